'use strict';
/*
 * Bulk-loads documents through the database layer (knex), laid out exactly as Strapi stores them: the
 * table, its link tables, component tables and their morph table, all named from the ORM metadata.
 * Ids are assigned here, so one multi-row INSERT per table and batch is all it takes; a draft-and-publish
 * type gets its draft and its published row, as the Document Service would write them.
 */
const { createId } = require('@paralleldrive/cuid2');

// SQLite allows 32,766 bound variables per statement, PostgreSQL 65,535; stay under both. Knex writes a
// SQLite multi-row insert as a compound SELECT, which SQLite caps at 500 terms.
const MAX_VARIABLES = 30_000;
const MAX_ROWS = 500;

const SCALAR_TYPES = new Set([
  'string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'integer', 'biginteger', 'decimal', 'float',
  'boolean', 'date', 'datetime', 'time', 'timestamp', 'json', 'password',
]);

function createBulkInserter(strapi) {
  const knex = strapi.db.connection;
  const isPostgres = strapi.db.dialect.client === 'postgres';
  const nextId = new Map();

  async function allocate(trx, table, count) {
    if (!nextId.has(table)) {
      const [{ max }] = await trx(table).max({ max: 'id' });
      nextId.set(table, Number(max ?? 0) + 1);
    }
    const first = nextId.get(table);
    nextId.set(table, first + count);
    return first;
  }

  async function insertRows(trx, table, rows) {
    if (rows.length === 0) return;
    const perRow = Object.keys(rows[0]).length;
    const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_VARIABLES / perRow)));
    for (let i = 0; i < rows.length; i += size) await trx(table).insert(rows.slice(i, i + size));
  }

  function scalarColumns(meta, data) {
    const row = {};
    for (const [name, attribute] of Object.entries(meta.attributes)) {
      if (!SCALAR_TYPES.has(attribute.type) || !attribute.columnName || name === 'id') continue;
      if (!(name in data)) continue;
      const value = data[name];
      row[attribute.columnName] = attribute.type === 'json' && value != null ? JSON.stringify(value) : value;
    }
    return row;
  }

  /**
   * docs: [{ ...scalar fields, relations: { attr: id | [ids] }, components: { attr: [ { ...fields } ] } }].
   * Returns the ids of the published rows (or the only rows), in order.
   */
  async function insertDocuments(uid, docs, { trx = knex, now = new Date() } = {}) {
    const meta = strapi.db.metadata.get(uid);
    const model = strapi.getModel(uid);
    const draftAndPublish = Boolean(model.options?.draftAndPublish);
    const versions = draftAndPublish ? [null, now] : [now];
    const first = await allocate(trx, meta.tableName, docs.length * versions.length);

    const mainRows = [];
    const publishedIds = [];
    const links = new Map();
    const componentRows = new Map();
    const morphRows = new Map();
    const push = (map, key, row) => (map.get(key) ?? map.set(key, []).get(key)).push(row);
    const inverseOrder = new Map();

    // Component ids first: one allocation per component table for the whole batch.
    const componentIdOf = new Map();
    for (const [attrName, attribute] of Object.entries(model.attributes)) {
      if (attribute.type !== 'component') continue;
      const componentMeta = strapi.db.metadata.get(attribute.component);
      const count = docs.reduce((n, doc) => n + (doc.components?.[attrName]?.length ?? 0), 0) * versions.length;
      if (count) componentIdOf.set(attrName, { table: componentMeta.tableName, meta: componentMeta, next: await allocate(trx, componentMeta.tableName, count) });
    }

    docs.forEach((doc, index) => {
      const documentId = doc.documentId ?? createId();
      const scalars = scalarColumns(meta, doc);
      versions.forEach((publishedAt, v) => {
        const id = first + index * versions.length + v;
        if (publishedAt || !draftAndPublish) publishedIds.push(id);
        mainRows.push({ id, document_id: documentId, ...scalars, created_at: now, updated_at: now, published_at: publishedAt });

        for (const [attrName, value] of Object.entries(doc.relations ?? {})) {
          const joinTable = meta.attributes[attrName].joinTable;
          const targets = (Array.isArray(value) ? value : [value]).filter((target) => target != null);
          targets.forEach((target, order) => {
            const row = { [joinTable.joinColumn.name]: id, [joinTable.inverseJoinColumn.name]: target };
            if (joinTable.orderColumnName) row[joinTable.orderColumnName] = order + 1;
            if (joinTable.inverseOrderColumnName) {
              const key = `${attrName}:${target}`;
              const next = (inverseOrder.get(key) ?? 0) + 1;
              inverseOrder.set(key, next);
              row[joinTable.inverseOrderColumnName] = next;
            }
            push(links, joinTable.name, row);
          });
        }

        for (const [attrName, items] of Object.entries(doc.components ?? {})) {
          const slot = componentIdOf.get(attrName);
          const joinTable = meta.attributes[attrName].joinTable;
          items.forEach((item, order) => {
            const cmpId = slot.next;
            slot.next += 1;
            push(componentRows, slot.table, { id: cmpId, ...scalarColumns(slot.meta, item) });
            push(morphRows, joinTable.name, {
              [joinTable.joinColumn.name]: id,
              [joinTable.inverseJoinColumn.name]: cmpId,
              component_type: model.attributes[attrName].component,
              field: joinTable.on.field,
              [joinTable.orderColumnName]: order + 1,
            });
          });
        }
      });
    });

    await insertRows(trx, meta.tableName, mainRows);
    for (const [table, rows] of componentRows) await insertRows(trx, table, rows);
    for (const [table, rows] of morphRows) await insertRows(trx, table, rows);
    for (const [table, rows] of links) await insertRows(trx, table, rows);
    return publishedIds;
  }

  /** PostgreSQL sequences do not see explicit ids: move each one past the rows loaded. */
  async function resetSequences() {
    if (!isPostgres) return;
    for (const table of nextId.keys()) {
      await knex.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), GREATEST((SELECT MAX(id) FROM ??), 1))`, [table, table]);
    }
  }

  return { insertDocuments, resetSequences, knex };
}

module.exports = { createBulkInserter };
