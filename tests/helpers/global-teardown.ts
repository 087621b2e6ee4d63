import fs from 'fs';
import { Client } from 'pg';
import { postgresAdminConfig, templateEnv } from './database';

/** Drops the run's template database (tests/helpers/global-setup.ts). */
export default async function globalTeardown() {
  const sqlite = process.env[templateEnv('sqlite')];
  if (sqlite) for (const file of [sqlite, `${sqlite}-wal`, `${sqlite}-shm`, `${sqlite}.boot-lock`]) fs.rmSync(file, { force: true });
  const postgres = process.env[templateEnv('postgres')];
  if (postgres) {
    const admin = new Client(postgresAdminConfig());
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${postgres} WITH (FORCE)`);
    await admin.end();
  }
}
