import path from 'path';
import { spawn } from 'child_process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { TestApp } from '../helpers/strapi';
import themesFile from '../../database/reference/themes.json';
import tagsFile from '../../database/reference/five-education-tags.json';
import librariesFile from '../../database/reference/libraries.json';
import requirementsFile from '../../database/reference/requirement-rules.json';
import rolesFile from '../../database/reference/roles.json';

// Several instances starting or restarting at once on one database: Strapi's table creation, the roles sync
// and the reference-data upserts run one instance at a time (a PostgreSQL advisory lock), and the reference
// keys are unique in the database. Each instance is its own process, as in production.
const script = path.resolve(__dirname, '..', 'helpers', 'boot-instance.js');

function bootInstance(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function bootTogether(db: TestDatabase, n: number) {
  db.applyEnv();
  const env = { ...process.env, DEMO_DATA: 'false', NODE_ENV: 'test' };
  const results = await Promise.all(Array.from({ length: n }, () => bootInstance(env)));
  for (const result of results) {
    if (result.code !== 0) throw new Error(`an instance failed to start:\n${result.stderr.slice(-3000)}`);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({ health: 204 });
  }
}

let db: TestDatabase;
let app: TestApp | null = null;

beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  if (app) await app.strapi.destroy();
  await db.drop();
});

/** One more instance, in this process, on the same database, to look at what the others left. */
async function loadInstance() {
  const appDir = path.resolve(__dirname, '..', '..');
  const instance = require('@strapi/strapi').createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  instance.log.level = 'error';
  await instance.load();
  app = { strapi: instance } as TestApp;
  return instance;
}

/** Rows per key in each reference table; every count must be 1. */
async function duplicates(knex: any) {
  const grouped = async (table: string, columns: string[]) =>
    (await knex(table).select(columns).count({ n: '*' }).groupBy(columns).having(knex.raw('count(*) > 1'))).map((row: any) => `${table}:${columns.map((c) => row[c]).join('/')}×${row.n}`);
  return [
    ...(await grouped('themes', ['slug'])),
    ...(await grouped('five_education_tags', ['key'])),
    ...(await grouped('libraries', ['key'])),
    ...(await grouped('requirement_rules', ['position'])),
    ...(await grouped('up_roles', ['type'])),
    ...(await grouped('admin_roles', ['code'])),
    ...(await grouped('i18n_locale', ['code'])),
    ...(await grouped('strapi_core_store_settings', ['key', 'type', 'environment', 'tag'])),
  ];
}

test('three instances starting at once on an empty database all come up healthy, with every row once', async () => {
  await bootTogether(db, 3);
  const knex = (await loadInstance()).db.connection;
  expect(await duplicates(knex)).toEqual([]);
  expect(Number((await knex('themes').count({ n: '*' }))[0].n)).toBe(themesFile.themes.length);
  expect(Number((await knex('five_education_tags').count({ n: '*' }))[0].n)).toBe(tagsFile.fiveEducationTags.length);
  expect(Number((await knex('libraries').count({ n: '*' }))[0].n)).toBe(librariesFile.libraries.length);
  expect(Number((await knex('requirement_rules').count({ n: '*' }))[0].n)).toBe(requirementsFile.rules.length);
  expect(Number((await knex('up_roles').count({ n: '*' }))[0].n)).toBe(rolesFile.roles.length);
});

test('after a reference-data change, three instances restarting at once add each missing row once', async () => {
  const knex = app!.strapi.db.connection;
  // A new release's reference rows are missing from the database until the instances restart.
  const theme = await knex('themes').where({ slug: themesFile.themes[0].slug }).first();
  await knex('themes').where({ id: theme.id }).del();
  await knex('five_education_tags').where({ key: tagsFile.fiveEducationTags[0].key }).del();
  await app!.strapi.destroy();
  app = null;
  await bootTogether(db, 3);
  const again = (await loadInstance()).db.connection;
  expect(await duplicates(again)).toEqual([]);
  expect(Number((await again('themes').count({ n: '*' }))[0].n)).toBe(themesFile.themes.length);
  expect(Number((await again('five_education_tags').count({ n: '*' }))[0].n)).toBe(tagsFile.fiveEducationTags.length);
});

test('the reference keys are unique in the database itself', async () => {
  const knex = app!.strapi.db.connection;
  const row = await knex('themes').first();
  const { id: _id, document_id: _d, ...copy } = row;
  const indexes = await knex.raw(app!.strapi.db.dialect.client === 'postgres' ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'themes'" : 'PRAGMA index_list(themes)');
  const names = (Array.isArray(indexes) ? indexes : indexes.rows).map((index: { name: string }) => index.name);
  expect(names).toContain('themes_slug_key_unique');
  let inserted: unknown = null;
  try { inserted = await knex('themes').insert({ ...copy, document_id: 'duplicate-theme-row' }); } catch { inserted = 'threw'; }
  if (inserted !== 'threw') {
    const info = app!.strapi.db.dialect.client === 'postgres' ? null : { master: await knex.raw("select name, sql from sqlite_master where tbl_name = 'themes'"), rows: await knex('themes').where({ slug: row.slug }).select('id', 'slug', 'document_id'), copy, file: app!.strapi.config.get('database.connection.connection') };
    throw new Error(JSON.stringify(info, null, 1));
  }
});

