import path from 'path';
import fs from 'fs';

// Compile the TypeScript app once for the whole run; every test file boots Strapi from dist/.
export default async function globalSetup() {
  const appDir = path.resolve(__dirname, '..', '..');
  const tsUtils = require('@strapi/typescript-utils');
  fs.rmSync(path.join(appDir, 'dist'), { recursive: true, force: true });
  await tsUtils.compile(appDir, { configOptions: { options: { incremental: false } } });
  if (!fs.existsSync(path.join(appDir, 'dist', 'src', 'index.js'))) {
    throw new Error('TypeScript compilation produced no index.js');
  }
}
