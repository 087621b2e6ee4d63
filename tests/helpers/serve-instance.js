// One more CMS instance in its own process, serving HTTP until it is sent SIGTERM: the second instance of a
// multi-instance test. Boots from dist/ with the environment it is given; prints one JSON line with its port.
const path = require('path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..');

(async () => {
  const app = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false });
  app.log.level = 'error';
  await app.load();
  app.server.mount();
  const server = app.server.httpServer;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
  const stop = async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
