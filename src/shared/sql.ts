import type { Core } from '@strapi/strapi';
import { randomBytes } from 'crypto';

/*
 * Where our SQL differs between SQLite and PostgreSQL, and where table, column and join-table names come
 * from (the ORM's metadata): JSON as text, row and name locks, unique violations, bulk inserts, unique
 * indexes and the triggers that protect rows. tests/platform/sql.test.ts runs every function on both.
 */

/** Reading a JSON column as text, so that `LIKE '%"homeroom"%'` works on both (SQLite: text; PostgreSQL: jsonb). */
export function jsonAsText(strapi: Core.Strapi, column: string): string {
  return strapi.db.dialect.client === 'postgres' ? `CAST(${column} AS TEXT)` : column;
}

/** The part of a relation attribute's ORM metadata that names its join table. */
interface JoinTableAttribute {
  joinTable: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } };
}

/** Strapi keeps relations in join tables; their names come from the ORM's metadata, never guessed. */
export function joinTable(strapi: Core.Strapi, uid: string, attribute: string) {
  const { joinTable: table } = strapi.db.metadata.get(uid).attributes[attribute] as JoinTableAttribute;
  return { name: table.name, own: table.joinColumn.name, other: table.inverseJoinColumn.name };
}

export const tableOf = (strapi: Core.Strapi, uid: string) => strapi.db.metadata.get(uid).tableName;

type Knex = Core.Strapi['db']['connection'];

/**
 * Locks the rows a decision is about, inside the caller's transaction, before it reads their state.
 * PostgreSQL: SELECT … FOR UPDATE in id order (two overlapping bulk decisions cannot deadlock); a second
 * decision waits, then reads the first one's committed result. SQLite: knex gives it one connection, so a
 * transaction already runs alone and there is nothing to lock.
 */
export async function lockRows(strapi: Core.Strapi, trx: Knex, uid: string, column: string, values: (string | number)[]) {
  if (strapi.db.dialect.client !== 'postgres' || values.length === 0) return;
  await trx(tableOf(strapi, uid)).whereIn(column, values).orderBy('id').forUpdate().select('id');
}

/**
 * A transaction-scoped lock on a name rather than a row, for decisions about rows that do not exist yet
 * (an import's external references, a certificate serial). PostgreSQL: pg_advisory_xact_lock, released at
 * commit or rollback; SQLite: one writer, nothing to do.
 */
export async function lockName(strapi: Core.Strapi, trx: Knex, name: string) {
  if (strapi.db.dialect.client !== 'postgres') return;
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [name]);
}

/** What a database error may carry: a code, a message, and the error it wraps (under one of three names). */
interface DriverError {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  nativeError?: unknown;
}

/**
 * A unique index refused the write (a concurrent request got there first): PostgreSQL SQLSTATE 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE, also when a driver or Strapi wraps the error.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error as DriverError | undefined, depth = 0; e && depth < 5; e = (e.cause ?? e.originalError ?? e.nativeError) as DriverError | undefined, depth++) {
    if (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
    if (typeof e.message === 'string' && /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(e.message)) return true;
  }
  return false;
}

type Row = Record<string, unknown>;
// better-sqlite3 ships no types; a prepared statement needs only `run`.
type SqliteStatement = { run(...values: unknown[]): { lastInsertRowid: number | bigint } };
// Prepared single-row INSERTs per SQLite connection, reused across calls (a connection is one database file).
const sqliteStatements = new WeakMap<object, Map<string, SqliteStatement>>();
const sqliteValue = (value: unknown) => (value instanceof Date ? value.getTime() : typeof value === 'boolean' ? Number(value) : value ?? null);

/**
 * Inserts many rows inside the caller's transaction and returns their ids in the rows' order. SQLite: one
 * prepared statement run per row on the transaction's own connection (no SQL text to build or parse per
 * batch; values stored as knex stores them: dates as epoch ms, booleans as 0/1). PostgreSQL: multi-row
 * INSERT … RETURNING in chunks under the parameter limit, ids matched back by `key`, a column unique to
 * each row (document_id), because RETURNING's order is not promised.
 */
export async function insertRows(strapi: Core.Strapi, trx: Knex, table: string, rows: Row[], key?: string): Promise<number[]> {
  // On SQLite the rows go straight to the transaction's connection; outside one, that connection would be
  // taken from the pool and never given back.
  if (!(trx as { isTransaction?: boolean }).isTransaction) throw new Error('insertRows runs inside strapi.db.transaction');
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  if (strapi.db.dialect.client !== 'postgres') {
    const connection = (await trx.client.acquireConnection()) as { prepare(sql: string): SqliteStatement };
    let statements = sqliteStatements.get(connection);
    if (!statements) sqliteStatements.set(connection, (statements = new Map()));
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    const ids: number[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i];
      ids[i] = Number(statement!.run(...columns.map((column) => sqliteValue(row[column]))).lastInsertRowid);
    }
    return ids;
  }
  const perChunk = Math.max(1, Math.floor(30000 / columns.length));
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    if (!key) {
      await trx(table).insert(chunk);
      continue;
    }
    const returned: { id: number; [column: string]: unknown }[] = await trx(table).insert(chunk).returning(['id', key]);
    const idOf = new Map(returned.map((row) => [row[key], row.id]));
    for (const row of chunk) ids.push(Number(idOf.get(row[key])));
  }
  return ids;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Document ids for rows written in bulk, shaped like Strapi's (24 lowercase letters and digits, a letter
 * first) from 119 random bits: cuid2's hashing costs ~25 µs an id, which is a third of a 100,000-row import.
 */
export function newDocumentIds(count: number): string[] {
  const bytes = randomBytes(count * 24);
  const ids: string[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    let id = ID_ALPHABET[bytes[i * 24] % 26];
    for (let j = 1; j < 24; j += 1) id += ID_ALPHABET[bytes[i * 24 + j] % 36];
    ids[i] = id;
  }
  return ids;
}

/** The column of an attribute, from the ORM's metadata (never guessed from its name). */
export function columnOf(strapi: Core.Strapi, uid: string, attribute: string): string {
  const column = (strapi.db.metadata.get(uid).attributes[attribute] as { columnName?: string } | undefined)?.columnName;
  if (!column) throw new Error(`${uid} has no column for "${attribute}"`);
  return column;
}

/**
 * A unique index on one column of a content type, named `<table>_<column>_unique` unless a name is given;
 * idempotent. Strapi checks `unique` attributes in the application only, so a race could pass it.
 */
export async function ensureUniqueIndex(strapi: Core.Strapi, uid: string, attribute: string, name?: string) {
  const table = tableOf(strapi, uid);
  const column = columnOf(strapi, uid, attribute);
  await strapi.db.connection.raw('CREATE UNIQUE INDEX IF NOT EXISTS ?? ON ?? (??)', [name ?? `${table}_${column}_unique`, table, column]);
}

const sqlText = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Rows of `table` that no UPDATE or DELETE may touch, whatever the client (raw SQL included): a trigger
 * raises `message`. PostgreSQL: one plpgsql function and trigger `<table>_append_only`; SQLite: triggers
 * `<table>_no_update` and `<table>_no_delete`. Idempotent.
 */
export async function ensureAppendOnly(strapi: Core.Strapi, table: string, message: string) {
  const knex = strapi.db.connection;
  if (strapi.db.dialect.client === 'postgres') {
    await knex.raw(`CREATE OR REPLACE FUNCTION xinyu_${table}_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION ${sqlText(message)} USING ERRCODE = 'raise_exception'; END $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE OR REPLACE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION xinyu_${table}_append_only()`);
    return;
  }
  await knex.raw(`CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, ${sqlText(message)}); END`);
  await knex.raw(`CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, ${sqlText(message)}); END`);
}

export interface FrozenRows {
  /** Trigger name stem: PostgreSQL `<table>_<name>`; SQLite `<table>_<name>_no_update` / `_no_delete`. */
  name: string;
  /** Rows whose `column` holds one of `values` are frozen… */
  column: string;
  values: string[];
  /** …for these columns (an UPDATE changing another column passes) and for DELETE. */
  columns: string[];
  editMessage: string;
  deleteMessage: string;
}

/** Rows that a state freezes, for every client (raw SQL included), through BEFORE UPDATE/DELETE triggers. Idempotent. */
export async function ensureFrozenRows(strapi: Core.Strapi, table: string, frozen: FrozenRows) {
  const knex = strapi.db.connection;
  const values = frozen.values.map(sqlText).join(', ');
  if (strapi.db.dialect.client === 'postgres') {
    const changed = frozen.columns.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ');
    await knex.raw(`CREATE OR REPLACE FUNCTION xinyu_${table}_${frozen.name}() RETURNS trigger AS $$
      BEGIN
        IF OLD.${frozen.column} IN (${values}) THEN
          IF TG_OP = 'DELETE' THEN RAISE EXCEPTION ${sqlText(frozen.deleteMessage)}; END IF;
          IF ${changed} THEN RAISE EXCEPTION ${sqlText(frozen.editMessage)}; END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE OR REPLACE TRIGGER ${table}_${frozen.name} BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION xinyu_${table}_${frozen.name}()`);
    return;
  }
  const changed = frozen.columns.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ');
  await knex.raw(`CREATE TRIGGER IF NOT EXISTS ${table}_${frozen.name}_no_update BEFORE UPDATE ON ${table}
    WHEN OLD.${frozen.column} IN (${values}) AND (${changed})
    BEGIN SELECT RAISE(ABORT, ${sqlText(frozen.editMessage)}); END`);
  await knex.raw(`CREATE TRIGGER IF NOT EXISTS ${table}_${frozen.name}_no_delete BEFORE DELETE ON ${table}
    WHEN OLD.${frozen.column} IN (${values})
    BEGIN SELECT RAISE(ABORT, ${sqlText(frozen.deleteMessage)}); END`);
}

/** A polymorphic join table (the Media Library's `related`): its name, its own column and the target's type and id columns. */
export function morphTable(strapi: Core.Strapi, uid: string, attribute: string) {
  const { joinTable: table } = strapi.db.metadata.get(uid).attributes[attribute] as {
    joinTable: { name: string; joinColumn: { name: string }; morphColumn: { typeColumn: { name: string }; idColumn: { name: string } } };
  };
  return { name: table.name, own: table.joinColumn.name, type: table.morphColumn.typeColumn.name, id: table.morphColumn.idColumn.name };
}
