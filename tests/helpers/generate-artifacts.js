// Runs outside Jest's VM (the type generator uses dynamic import): boots the compiled app on a
// throw-away SQLite file and writes the OpenAPI document and generated types into OUT_DIR.
'use strict';

const fs = require('fs');
const path = require('path');
const { createStrapi } = require('@strapi/strapi');
const openapi = require('@strapi/openapi');
const tsUtils = require('@strapi/typescript-utils');
const { stabilizeOpenApi } = require('../../database/setup/stabilize-openapi');

(async () => {
  const appDir = path.resolve(__dirname, '..', '..');
  const out = process.env.OUT_DIR;
  const app = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  app.log.level = 'error';
  await app.load();
  app.server.mount();
  const { document } = openapi.generate(app, { type: 'content-api' });
  fs.writeFileSync(path.join(out, 'openapi.json'), `${JSON.stringify(stabilizeOpenApi(document), null, 2)}\n`);
  await tsUtils.generators.generate({ strapi: app, pwd: out, logger: { silent: true }, artifacts: { contentTypes: true, components: true } });
  await app.destroy();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
