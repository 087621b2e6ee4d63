import path from 'path';
import fs from 'fs';
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import { createTestDatabase, templateEnv } from './database';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freshSecrets } = require('../../database/setup/secrets');

const appDir = path.resolve(__dirname, '..', '..');

/**
 * Compile the app once for the whole run; every test file boots Strapi from dist/. With a browser to drive
 * (tests/browser, Debian's chromium) the admin panel is built too (`strapi build`), and the built panel is
 * kept under .tmp/admin-build/<hash of its sources>, so the next run (CI's PostgreSQL pass, say) only copies
 * it back. BROWSER_TESTS=false compiles the TypeScript only.
 */
export default async function globalSetup() {
  fs.rmSync(path.join(appDir, 'dist'), { recursive: true, force: true });
  const tsUtils = require('@strapi/typescript-utils');
  if (browserTestsWanted()) {
    const cache = path.join(appDir, '.tmp', 'admin-build', adminSourcesHash());
    if (fs.existsSync(path.join(cache, 'index.html'))) {
      await tsUtils.compile(appDir, { configOptions: { options: { incremental: false } } });
      fs.cpSync(cache, path.join(appDir, 'dist', 'build'), { recursive: true });
    } else {
      execFileSync(process.execPath, [path.join(appDir, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'build', '--silent'], {
        cwd: appDir,
        env: { ...process.env, NODE_ENV: 'production', STRAPI_TELEMETRY_DISABLED: 'true' },
        stdio: 'inherit',
      });
      fs.rmSync(path.dirname(cache), { recursive: true, force: true });
      fs.cpSync(path.join(appDir, 'dist', 'build'), cache, { recursive: true });
    }
  } else {
    await tsUtils.compile(appDir, { configOptions: { options: { incremental: false } } });
  }
  if (!fs.existsSync(path.join(appDir, 'dist', 'src', 'index.js'))) {
    throw new Error('TypeScript compilation produced no index.js');
  }
  await buildTemplate((process.env.DATABASE_CLIENT || 'sqlite') as 'sqlite' | 'postgres');
}

/**
 * The run's template database (tests/helpers/database.ts): the app booted once on an empty database, in a
 * process of its own, then stopped. Workers inherit its name through the environment.
 */
async function buildTemplate(client: 'sqlite' | 'postgres') {
  const db = await createTestDatabase({ client, empty: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', STRAPI_TELEMETRY_DISABLED: 'true', DEMO_DATA: 'false', ...freshSecrets() };
  if (client === 'sqlite') Object.assign(env, { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: db.name });
  else Object.assign(env, { DATABASE_CLIENT: 'postgres', DATABASE_NAME: db.name });
  delete env.REDIS_URL;
  execFileSync(process.execPath, [path.join(__dirname, 'boot-instance.js')], { cwd: appDir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (client === 'sqlite' && fs.existsSync(`${db.name}-wal`)) throw new Error('The template database was left with a write-ahead log');
  process.env[templateEnv(client)] = db.name;
}

/** What the built panel depends on: its sources, the labels it imports, the admin config and the locked packages. */
function adminSourcesHash(): string {
  const hash = createHash('sha256');
  const add = (file: string) => {
    hash.update(path.relative(appDir, file));
    hash.update(fs.readFileSync(file));
  };
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  walk(path.join(appDir, 'src', 'admin'));
  for (const file of ['database/reference/admin-labels.json', 'config/admin.ts', 'package-lock.json']) add(path.join(appDir, file));
  return hash.digest('hex').slice(0, 16);
}

export function browserTestsWanted() {
  return process.env.BROWSER_TESTS !== 'false' && fs.existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium');
}
