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
