import { startApp, createUser, type TestApp } from '../helpers/strapi';
import { columnOf, ensureAppendOnly, ensureFrozenRows, ensureUniqueIndex, insertRows, isUniqueViolation, joinTable, jsonAsText, lockName, lockRows, morphTable, newDocumentIds, tableOf } from '../../src/shared/sql';

// src/shared/sql.ts is where SQLite and PostgreSQL differ. CI runs this file on both databases, so each
// function's two implementations are exercised against the real database.
let app: TestApp;
const PROBE = 'sql_probe';
const isPg = () => app.strapi.db.dialect.client === 'postgres';

beforeAll(async () => {
  app = await startApp();
  await app.strapi.db.connection.schema.createTable(PROBE, (table) => {
    table.increments('id');
    table.string('document_id').notNullable().unique();
    table.integer('n').notNullable();
    table.string('label');
    table.datetime('at');
    table.boolean('flag');
  });
});
afterAll(() => app?.stop());

const probeRows = (count: number, offset = 0) => newDocumentIds(count).map((documentId, i) => ({ document_id: documentId, n: offset + i, label: `第${offset + i}行`, at: new Date(Date.UTC(2026, 0, 1 + i)), flag: i % 2 === 0 }));

test('newDocumentIds: Strapi-shaped ids, all different', () => {
  const ids = newDocumentIds(20000);
  expect(ids.every((id) => /^[a-z][a-z0-9]{23}$/.test(id))).toBe(true);
  expect(new Set(ids).size).toBe(20000);
});

test('insertRows returns each row’s id in the rows’ order and stores the values as knex would', async () => {
  const rows = probeRows(1200);
  const ids = await app.strapi.db.transaction(({ trx }) => insertRows(app.strapi, trx, PROBE, rows, 'document_id'));
  expect(ids).toHaveLength(rows.length);
  const stored = await app.strapi.db.connection(PROBE).whereIn('id', ids).select('id', 'document_id', 'n', 'label', 'at', 'flag');
  const byId = new Map(stored.map((row) => [row.id, row]));
  rows.forEach((row, i) => {
    const got = byId.get(ids[i]);
    expect(got.document_id).toBe(row.document_id);
    expect([got.n, got.label, Boolean(got.flag)]).toEqual([row.n, row.label, row.flag]);
    expect(new Date(got.at).getTime()).toBe(row.at.getTime());
  });
  // Written as knex writes them: the ORM reads the same values back.
  const viaKnex = { ...probeRows(1, 5000)[0] };
  await app.strapi.db.connection(PROBE).insert(viaKnex);
  const [a, b] = await Promise.all([rows[0].document_id, viaKnex.document_id].map((d) => app.strapi.db.connection(PROBE).where('document_id', d).first('at', 'flag')));
  expect(typeof a.at).toBe(typeof b.at);
  expect(typeof a.flag).toBe(typeof b.flag);
});

test('insertRows refuses to run outside a transaction (it would hold a pooled SQLite connection)', async () => {
  await expect(insertRows(app.strapi, app.strapi.db.connection, PROBE, probeRows(1, 7000), 'document_id')).rejects.toThrow('inside strapi.db.transaction');
  expect(await app.strapi.db.connection(PROBE).where('n', 7000).first()).toBeUndefined();
});

test('insertRows inside a transaction that fails leaves nothing', async () => {
  const before = Number((await app.strapi.db.connection(PROBE).count({ n: '*' }))[0].n);
  const rows = probeRows(50, 100);
  await expect(app.strapi.db.transaction(async ({ trx }) => {
    await insertRows(app.strapi, trx, PROBE, rows, 'document_id');
    throw new Error('rolled back');
  })).rejects.toThrow('rolled back');
  expect(Number((await app.strapi.db.connection(PROBE).count({ n: '*' }))[0].n)).toBe(before);
});

test('isUniqueViolation tells a duplicate key from other errors, on this database', async () => {
  const [row] = probeRows(1, 900);
  await app.strapi.db.connection(PROBE).insert(row);
  const duplicate = await app.strapi.db.connection(PROBE).insert({ ...row, n: 901 }).then(() => null, (error) => error);
  expect(duplicate).not.toBeNull();
  expect(isUniqueViolation(duplicate)).toBe(true);
  const missing = await app.strapi.db.connection(PROBE).insert({ document_id: 'no-n' }).then(() => null, (error) => error);
  expect(missing).not.toBeNull();
  expect(isUniqueViolation(missing)).toBe(false);
  // Through a bulk insert too.
  const bulk = await app.strapi.db.transaction(({ trx }) => insertRows(app.strapi, trx, PROBE, [{ ...row, n: 902 }], 'document_id')).then(() => null, (error) => error);
  expect(isUniqueViolation(bulk)).toBe(true);
});

test('joinTable and tableOf name the tables and columns the ORM created', async () => {
  const knex = app.strapi.db.connection;
  for (const [uid, attribute] of [['api::credit-record.credit-record', 'teacher'], ['api::credit-record.credit-record', 'decidedBy'], ['api::lesson-plan.lesson-plan', 'themes']] as const) {
    const link = joinTable(app.strapi, uid, attribute);
    expect(await knex.schema.hasTable(link.name)).toBe(true);
    expect(await knex.schema.hasColumn(link.name, link.own)).toBe(true);
    expect(await knex.schema.hasColumn(link.name, link.other)).toBe(true);
  }
  expect(tableOf(app.strapi, 'api::credit-record.credit-record')).toBe('credit_records');
});

test('jsonAsText lets LIKE match inside a JSON column', async () => {
  await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['homeroom', 'subject'] } });
  await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
  const knex = app.strapi.db.connection;
  const count = async (needle: string) => Number((await knex('teachers').whereRaw(`${jsonAsText(app.strapi, 'positions')} LIKE ?`, [`%"${needle}"%`]).count({ n: '*' }))[0].n);
  expect(await count('homeroom')).toBeGreaterThanOrEqual(1);
  expect(await count('subject')).toBeGreaterThan(await count('homeroom'));
  expect(await count('no-such-position')).toBe(0);
});

/** Runs two transactions that both take `lock`; the second must get it only after the first commits. */
async function secondWaitsForFirst(lock: (trx: any) => Promise<unknown>) {
  const order: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const first = app.strapi.db.transaction(async ({ trx }) => {
    await lock(trx);
    order.push('first locked');
    await held;
    order.push('first done');
  });
  while (!order.includes('first locked')) await new Promise((resolve) => setImmediate(resolve));
  const second = app.strapi.db.transaction(async ({ trx }) => {
    await lock(trx);
    order.push('second locked');
  });
  if (isPg()) {
    // Wait until PostgreSQL reports the second transaction blocked on a lock (not a timer).
    const knex = app.strapi.db.connection;
    // If the lock did nothing, the second transaction finishes instead and the order below is wrong.
    while (!order.includes('second locked')) {
      const waiting = await knex.raw("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
      if (waiting.rows[0].n > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  release();
  await Promise.all([first, second]);
  return order;
}

test('lockName: a second transaction on the same name waits for the first (PostgreSQL advisory lock; SQLite one writer)', async () => {
  expect(await secondWaitsForFirst((trx) => lockName(app.strapi, trx, 'sql-probe'))).toEqual(['first locked', 'first done', 'second locked']);
});

test('lockRows: a second transaction locking the same row waits for the first', async () => {
  const uid = 'api::theme.theme';
  const theme = await app.strapi.db.connection(tableOf(app.strapi, uid)).first('id');
  expect(await secondWaitsForFirst((trx) => lockRows(app.strapi, trx, uid, 'id', [theme.id]))).toEqual(['first locked', 'first done', 'second locked']);
});

test('columnOf, ensureUniqueIndex and morphTable read names from the metadata', async () => {
  const knex = app.strapi.db.connection;
  expect(columnOf(app.strapi, 'api::credit-record.credit-record', 'schoolYear')).toBe('school_year');
  expect(() => columnOf(app.strapi, 'api::credit-record.credit-record', 'noSuchField')).toThrow('no column');
  await ensureUniqueIndex(app.strapi, 'api::theme.theme', 'nameEn', 'themes_probe_unique');
  await ensureUniqueIndex(app.strapi, 'api::theme.theme', 'nameEn', 'themes_probe_unique'); // idempotent
  const theme = await knex('themes').first();
  const { id: _id, document_id: _d, slug: _s, ...copy } = theme;
  const clash = await knex('themes').insert({ ...copy, slug: 'probe-copy', document_id: 'probe-copy' }).then(() => null, (error) => error);
  expect(isUniqueViolation(clash)).toBe(true);
  const related = morphTable(app.strapi, 'plugin::upload.file', 'related');
  expect(await knex.schema.hasTable(related.name)).toBe(true);
  for (const column of [related.own, related.type, related.id]) expect(await knex.schema.hasColumn(related.name, column)).toBe(true);
});

describe('row protections hold for raw SQL on this database', () => {
  const LOG = 'sql_probe_log';
  const STATE = 'sql_probe_state';
  beforeAll(async () => {
    const knex = app.strapi.db.connection;
    await knex.schema.createTable(LOG, (table) => { table.increments('id'); table.string('line'); });
    await knex.schema.createTable(STATE, (table) => { table.increments('id'); table.string('state'); table.integer('amount'); table.string('note'); });
    await ensureAppendOnly(app.strapi, LOG, 'the probe log is append-only');
    await ensureAppendOnly(app.strapi, LOG, 'the probe log is append-only'); // idempotent
    const frozen = { name: 'settled', column: 'state', values: ['settled'], columns: ['state', 'amount'], editMessage: "a settled row's amount is fixed", deleteMessage: 'a settled row stays' };
    await ensureFrozenRows(app.strapi, STATE, frozen);
    await ensureFrozenRows(app.strapi, STATE, frozen);
  });
  const refused = (promise: PromiseLike<unknown>) => Promise.resolve(promise).then(() => null, (error: Error) => error.message);

  test('append-only: inserts pass; every update and delete is refused with the message', async () => {
    const knex = app.strapi.db.connection;
    await knex(LOG).insert([{ line: 'a' }, { line: 'b' }]);
    expect(await refused(knex(LOG).update({ line: 'x' }))).toMatch('the probe log is append-only');
    expect(await refused(knex(LOG).where({ line: 'a' }).delete())).toMatch('the probe log is append-only');
    expect((await knex(LOG).orderBy('id').select('line')).map((r) => r.line)).toEqual(['a', 'b']);
  });

  test('frozen rows: a settled row keeps its state and amount and is never deleted; other columns and other rows change', async () => {
    const knex = app.strapi.db.connection;
    await knex(STATE).insert([{ state: 'open', amount: 1, note: 'n' }, { state: 'settled', amount: 2, note: 'n' }]);
    const settled = () => knex(STATE).where({ state: 'settled' });
    expect(await refused(settled().update({ amount: 3 }))).toMatch("a settled row's amount is fixed");
    expect(await refused(settled().update({ state: 'open' }))).toMatch("a settled row's amount is fixed");
    expect(await refused(settled().delete())).toMatch('a settled row stays');
    await settled().update({ note: 'noted' });
    await knex(STATE).where({ state: 'open' }).update({ amount: 10 });
    await knex(STATE).where({ state: 'open' }).update({ state: 'settled' });
    expect(await knex(STATE).orderBy('id').select('state', 'amount', 'note')).toEqual([
      { state: 'settled', amount: 10, note: 'n' },
      { state: 'settled', amount: 2, note: 'noted' },
    ]);
  });
});
