import type { Core } from '@strapi/strapi';

/**
 * The one place where our SQL differs between the databases: reading a JSON column as text, so that
 * `LIKE '%"homeroom"%'` works on both (SQLite stores JSON as text; PostgreSQL as jsonb).
 */
export function jsonAsText(strapi: Core.Strapi, column: string): string {
  return strapi.db.dialect.client === 'postgres' ? `CAST(${column} AS TEXT)` : column;
}

/** Strapi keeps relations in join tables; their names come from the ORM's metadata, never guessed. */
export function joinTable(strapi: Core.Strapi, uid: string, attribute: string) {
  const table = (strapi.db.metadata.get(uid as any).attributes[attribute] as any).joinTable;
  return { name: table.name as string, own: table.joinColumn.name as string, other: table.inverseJoinColumn.name as string };
}

export const tableOf = (strapi: Core.Strapi, uid: string) => strapi.db.metadata.get(uid as any).tableName;

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

/**
 * A unique index refused the write (a concurrent request got there first): PostgreSQL SQLSTATE 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE, also when a driver or Strapi wraps the error.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause ?? e.originalError ?? e.nativeError, depth++) {
    if (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
    if (typeof e.message === 'string' && /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(e.message)) return true;
  }
  return false;
}
