import path from 'path';
import fs from 'fs';
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';

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
