import path from 'path';
import fs from 'fs';
import { execFileSync } from 'child_process';

/**
 * Compile the app once for the whole run; every test file boots Strapi from dist/. With a browser to drive
 * (tests/browser, Debian's chromium) the admin panel is built too (`strapi build`: TypeScript and the panel
 * into dist/); BROWSER_TESTS=false compiles the TypeScript only.
 */
export default async function globalSetup() {
  const appDir = path.resolve(__dirname, '..', '..');
  fs.rmSync(path.join(appDir, 'dist'), { recursive: true, force: true });
  if (browserTestsWanted()) {
    execFileSync(process.execPath, [path.join(appDir, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'build', '--silent'], {
      cwd: appDir,
      env: { ...process.env, NODE_ENV: 'production', STRAPI_TELEMETRY_DISABLED: 'true' },
      stdio: 'inherit',
    });
  } else {
    const tsUtils = require('@strapi/typescript-utils');
    await tsUtils.compile(appDir, { configOptions: { options: { incremental: false } } });
  }
  if (!fs.existsSync(path.join(appDir, 'dist', 'src', 'index.js'))) {
    throw new Error('TypeScript compilation produced no index.js');
  }
}

export function browserTestsWanted() {
  return process.env.BROWSER_TESTS !== 'false' && fs.existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium');
}
