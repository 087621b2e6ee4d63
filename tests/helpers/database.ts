import fs from 'fs';
import path from 'path';
import { randomBytes } from 'crypto';
import { Client } from 'pg';

/** A fresh, empty database for one test file: a new SQLite file, or a throw-away PostgreSQL database. */
export interface TestDatabase {
  client: 'sqlite' | 'postgres';
  name: string;
  /** Point the app's config/database.ts at this database. */
  applyEnv(): void;
  drop(): Promise<void>;
}

const appDir = path.resolve(__dirname, '..', '..');

export function postgresAdminConfig() {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    return { connectionString: url.toString() };
  }
  return {
    host: process.env.DATABASE_HOST || '127.0.0.1',
    port: Number(process.env.DATABASE_PORT || 5432),
    user: process.env.DATABASE_USERNAME || 'postgres',
    password: process.env.DATABASE_PASSWORD || undefined,
    database: 'postgres',
  };
}

/**
 * Where this run's template lives (tests/helpers/global-setup.ts): a database the app has booted once, empty
 * but for what every boot puts there (roles, admin roles, labels, reference data, vocabulary). A file's fresh
 * database starts as a copy of it, so each file skips Strapi's schema creation and the first sync.
 */
export const templateEnv = (client: 'sqlite' | 'postgres') => `XINYU_TEST_TEMPLATE_${client.toUpperCase()}`;

export async function createTestDatabase({
  client = (process.env.DATABASE_CLIENT || 'sqlite') as 'sqlite' | 'postgres',
  empty = false,
}: { client?: 'sqlite' | 'postgres'; /** Truly empty, for tests of the first boot itself. */ empty?: boolean } = {}): Promise<TestDatabase> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = empty ? undefined : process.env[templateEnv(client)];

  if (client === 'sqlite') {
    const file = path.join(appDir, '.tmp', 'test', `db_${suffix}.db`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (template && fs.existsSync(template)) fs.copyFileSync(template, file);
    return {
      client,
      name: file,
      applyEnv() {
        process.env.DATABASE_CLIENT = 'sqlite';
        process.env.DATABASE_FILENAME = file;
      },
      async drop() {
        for (const candidate of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`, `${file}.boot-lock`]) fs.rmSync(candidate, { force: true });
      },
    };
  }

  if (client !== 'postgres') throw new Error(`Tests support DATABASE_CLIENT sqlite or postgres, not ${client}`);
  const name = `xinyu_test_${suffix}`;
  const admin = new Client(postgresAdminConfig());
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const originalUrl = process.env.DATABASE_URL;
  return {
    client,
    name,
    applyEnv() {
      process.env.DATABASE_CLIENT = 'postgres';
      process.env.DATABASE_NAME = name;
      if (originalUrl) {
        const url = new URL(originalUrl);
        url.pathname = `/${name}`;
        process.env.DATABASE_URL = url.toString();
      }
    },
    async drop() {
      const dropper = new Client(postgresAdminConfig());
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
