'use strict';
/*
 * The CMS under test, in its own process so its memory and boot time are its own. It is the production
 * app from dist/ plus a few reference routes that do the same jobs the stock Strapi way, registered here
 * and never in the app:
 *   GET  /api/bench-reference/lesson-plans   the stock core controller (find, any populate, any filter)
 *   GET  /api/bench-reference/credit-records the stock core controller for credit records
 *   POST /api/bench-reference/credit-records/one-by-one  each row created through the Document Service
 * They use the same authentication and permissions as the real routes.
 */
const path = require('path');
const { createStrapi, factories } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..');
const CREDIT_UID = 'api::credit-record.credit-record';
// The app's own decision context: the module instance Strapi loads from dist/.
const { asDecision } = require(path.join(appDir, 'dist', 'src', 'shared', 'decision'));

function stock(strapi, uid) {
  const controller = factories.createCoreController(uid)({ strapi });
  return async (ctx) => {
    ctx.body = await controller.find(ctx);
  };
}

/** What a coordinator would do without a bulk import: look each teacher up and create the record. */
async function createOneByOne(ctx) {
  const rows = ctx.request.body?.rows;
  if (!Array.isArray(rows)) return ctx.badRequest('rows must be an array');
  const started = process.hrtime.bigint();
  let created = 0;
  for (const row of rows) {
    const teacher = await strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber: row.staffNumber }, select: ['documentId'] });
    if (!teacher) continue;
    // Approved records are written only inside a decision (src/training/guard.ts), as the real import does.
    await asDecision('import', () => strapi.documents(CREDIT_UID).create({
      data: { teacher: teacher.documentId, category: row.category, hours: row.hours, date: row.date, schoolYear: row.schoolYear, source: 'import', status: 'approved', externalRef: row.externalRef },
    }));
    created += 1;
  }
  ctx.body = { created, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function main() {
  const strapi = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), serveAdminPanel: false });
  strapi.log.level = 'error';
  await strapi.register();
  strapi.api('lesson-plan').routes['bench-reference'] = {
    type: 'content-api',
    routes: [{ method: 'GET', path: '/bench-reference/lesson-plans', handler: stock(strapi, 'api::lesson-plan.lesson-plan'), config: { auth: { scope: ['api::lesson-plan.lesson-plan.find'] } } }],
  };
  strapi.api('credit-record').routes['bench-reference'] = {
    type: 'content-api',
    routes: [
      { method: 'GET', path: '/bench-reference/credit-records', handler: stock(strapi, CREDIT_UID), config: { auth: { scope: [`${CREDIT_UID}.find`] } } },
      { method: 'POST', path: '/bench-reference/credit-records/one-by-one', handler: createOneByOne, config: { auth: { scope: [`${CREDIT_UID}.import`] } } },
    ],
  };
  await strapi.bootstrap();
  strapi.server.mount();
  const { host, port } = strapi.config.get('server');
  await new Promise((resolve) => strapi.server.listen(port, host, resolve));
  process.send?.({ type: 'ready', port });
  process.on('message', async (message) => {
    if (message?.type === 'stop') {
      await strapi.destroy();
      process.exit(0);
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
