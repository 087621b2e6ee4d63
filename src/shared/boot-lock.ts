import type { Core } from '@strapi/strapi';
import fs from 'fs';
import path from 'path';
import { Client, type ClientConfig } from 'pg';

/**
 * Several instances starting at once on one PostgreSQL database would race each other through Strapi's table
 * creation, the roles sync and the reference-data upserts. The first to arrive takes a session-level advisory
 * lock on a connection of its own (register, before Strapi touches the schema) and keeps it until our
 * bootstrap has finished; the others wait, then find everything in place. On SQLite (one machine) the same
 * is an exclusive transaction on a lock file beside the database, so two processes started on one file by
 * mistake also take turns. Either lock dies with its process.
 */
const BOOT_LOCK_KEY = 7_406_512_001; // any constant shared by every instance of this app

let holder: Client | null = null;
// better-sqlite3 (Strapi's SQLite driver) ships no types; the lock needs these three members.
type LockFile = { exec(sql: string): void; close(): void; inTransaction: boolean };
let sqliteHolder: LockFile | null = null;

function pgConnectionConfig(strapi: Core.Strapi) {
  const connection = strapi.config.get('database.connection') as { client: string; connection: ClientConfig };
  if (connection.client !== 'postgres') return null;
  const { connectionString, ssl, host, port, database, user, password } = connection.connection;
  return connectionString ? { connectionString, ssl } : { host, port, database, user, password: password || undefined, ssl };
}

function sqliteFile(strapi: Core.Strapi): string | null {
  const connection = strapi.config.get('database.connection') as { client: string; connection: { filename?: string } };
  return connection.client === 'sqlite' && connection.connection.filename ? connection.connection.filename : null;
}

export async function acquireBootLock(strapi: Core.Strapi) {
  const file = sqliteFile(strapi);
  if (file && !sqliteHolder) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The busy timeout makes a second process wait (blocking: nothing else to do while booting).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Sqlite = require('better-sqlite3');
    const lock: LockFile = new Sqlite(`${file}.boot-lock`, { timeout: 10 * 60 * 1000 });
    lock.exec('BEGIN EXCLUSIVE');
    sqliteHolder = lock;
    return;
  }
  const config = pgConnectionConfig(strapi);
  if (!config || holder) return;
  const client = new Client({ ...config, application_name: 'xinyu-boot-lock' });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [BOOT_LOCK_KEY]);
  holder = client;
}

export async function releaseBootLock() {
  if (sqliteHolder) {
    const lock = sqliteHolder;
    sqliteHolder = null;
    if (lock.inTransaction) lock.exec('COMMIT');
    lock.close();
  }
  const client = holder;
  holder = null;
  if (!client) return;
  try {
    await client.query('SELECT pg_advisory_unlock($1)', [BOOT_LOCK_KEY]);
  } finally {
    await client.end().catch(() => undefined);
  }
}
