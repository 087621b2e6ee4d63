import type { Core } from '@strapi/strapi';
import { Client } from 'pg';

/**
 * Several instances starting at once on one PostgreSQL database would race each other through Strapi's table
 * creation, the roles sync and the reference-data upserts. The first to arrive takes a session-level advisory
 * lock on a connection of its own (register, before Strapi touches the schema) and keeps it until our
 * bootstrap has finished; the others wait, then find everything in place. SQLite is one process: no lock.
 */
const BOOT_LOCK_KEY = 7_406_512_001; // any constant shared by every instance of this app

let holder: Client | null = null;

function pgConnectionConfig(strapi: Core.Strapi) {
  const connection = strapi.config.get('database.connection') as { client: string; connection: Record<string, any> };
  if (connection.client !== 'postgres') return null;
  const { connectionString, ssl, host, port, database, user, password } = connection.connection;
  return connectionString ? { connectionString, ssl } : { host, port, database, user, password: password || undefined, ssl };
}

export async function acquireBootLock(strapi: Core.Strapi) {
  const config = pgConnectionConfig(strapi);
  if (!config || holder) return;
  const client = new Client({ ...config, application_name: 'xinyu-boot-lock' });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [BOOT_LOCK_KEY]);
  holder = client;
}

export async function releaseBootLock() {
  const client = holder;
  holder = null;
  if (!client) return;
  try {
    await client.query('SELECT pg_advisory_unlock($1)', [BOOT_LOCK_KEY]);
  } finally {
    await client.end().catch(() => undefined);
  }
}
