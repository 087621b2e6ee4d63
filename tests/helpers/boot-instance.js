// One CMS instance in its own process, for tests that start several at once on one database.
// Boots from dist/ with the environment it is given, answers /_health over HTTP, prints one JSON line, exits.
const path = require('path');
const http = require('http');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..');

(async () => {
  const app = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  app.log.level = 'error';
  await app.load();
  app.server.mount();
  const server = app.server.httpServer;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const health = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.address().port, path: '/_health' }, (res) => resolve(res.statusCode)).on('error', reject);
  });
  await new Promise((resolve) => server.close(resolve));
  await app.destroy();
  process.stdout.write(`${JSON.stringify({ health })}\n`);
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
