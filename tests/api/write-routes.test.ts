import { startApp, bearer, type TestApp } from '../helpers/strapi';

// Every write route of the workflows: a key the route does not take is a 400 naming it (never dropped
// silently, nothing stored), and a document that does not exist is a 404. Run on the demo data, as each role
// that may call the route. The curriculum types' write routes are covered in curriculum-edits.test.ts.
let app: TestApp;
const jwt: Record<string, string> = {};
const MISSING = 'nope00000000000000000000';

type Route = { role: string; method: 'post' | 'put'; path: (id: string) => string; uid?: string; data: Record<string, unknown> };

const WITH_ID: Route[] = [
  { role: 'demo-coordinator', method: 'put', path: (id) => `/api/credit-records/${id}`, uid: 'api::credit-record.credit-record', data: { hours: 1 } },
  { role: 'demo-coordinator', method: 'post', path: (id) => `/api/credit-records/${id}/approve`, uid: 'api::credit-record.credit-record', data: {} },
  { role: 'demo-coordinator', method: 'post', path: (id) => `/api/credit-records/${id}/reject`, uid: 'api::credit-record.credit-record', data: { reason: '证明材料不全' } },
  { role: 'demo-coordinator', method: 'post', path: (id) => `/api/credit-records/${id}/reverse`, uid: 'api::credit-record.credit-record', data: { reason: '重复登记' } },
  { role: 'demo-coordinator', method: 'post', path: (id) => `/api/certificates/${id}/revoke`, uid: 'api::certificate.certificate', data: { reason: '信息有误' } },
  { role: 'demo-researcher', method: 'put', path: (id) => `/api/selection-rounds/${id}`, uid: 'api::selection-round.selection-round', data: { title: '改名' } },
  { role: 'demo-researcher', method: 'post', path: (id) => `/api/selection-rounds/${id}/transition`, uid: 'api::selection-round.selection-round', data: { status: 'reviewing' } },
  { role: 'demo-researcher', method: 'post', path: (id) => `/api/selection-rounds/${id}/finalise`, uid: 'api::selection-round.selection-round', data: {} },
  { role: 'demo-mh-teacher', method: 'post', path: (id) => `/api/submissions/${id}/withdraw`, uid: 'api::submission.submission', data: {} },
  { role: 'demo-researcher', method: 'put', path: (id) => `/api/reviews/${id}`, uid: 'api::review.review', data: { scores: {}, comment: '好' } },
  { role: 'demo-coordinator', method: 'put', path: (id) => `/api/training-courses/${id}`, uid: 'api::training-course.training-course', data: { title: '改名' } },
  { role: 'demo-homeroom-teacher', method: 'post', path: (id) => `/api/training-courses/${id}/enrol`, uid: 'api::training-course.training-course', data: {} },
  { role: 'demo-coordinator', method: 'post', path: (id) => `/api/training-courses/${id}/complete`, uid: 'api::training-course.training-course', data: { teachers: ['x'] } },
];

const CREATES: Route[] = [
  { role: 'demo-coordinator', method: 'post', path: () => '/api/credit-records', uid: 'api::credit-record.credit-record', data: { category: 'online', hours: 1, date: '2025-10-08' } },
  { role: 'demo-coordinator', method: 'post', path: () => '/api/credit-records/decisions', uid: 'api::credit-record.credit-record', data: { records: ['x'], decision: 'approved' } },
  { role: 'demo-coordinator', method: 'post', path: () => '/api/certificates', uid: 'api::certificate.certificate', data: { tier: 'A', schoolYear: '2025-2026' } },
  { role: 'demo-researcher', method: 'post', path: () => '/api/selection-rounds', uid: 'api::selection-round.selection-round', data: { title: '新一轮' } },
  { role: 'demo-mh-teacher', method: 'post', path: () => '/api/submissions', uid: 'api::submission.submission', data: { round: 'x', resource: 'y' } },
  { role: 'demo-researcher', method: 'post', path: () => '/api/reviews', uid: 'api::review.review', data: { submission: 'x', reviewer: 'y' } },
  { role: 'demo-coordinator', method: 'post', path: () => '/api/training-courses', uid: 'api::training-course.training-course', data: { title: '新课' } },
];

const label = (route: Route) => `${route.method.toUpperCase()} ${route.path(':id')}`;

/** Every row of the type, as stored, to show that a refused request changed nothing. */
const snapshot = async (uid: string) => JSON.stringify(await app.strapi.db.query(uid as any).findMany({ orderBy: { id: 'asc' } }));

beforeAll(async () => {
  app = await startApp({ demo: true });
  const issue = app.strapi.plugin('users-permissions').service('jwt');
  for (const username of ['demo-coordinator', 'demo-researcher', 'demo-mh-teacher', 'demo-homeroom-teacher']) {
    const user = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username } });
    jwt[username] = issue.issue({ id: user.id });
  }
}, 300000);
afterAll(async () => {
  await app?.stop();
});

test.each(WITH_ID.map((route) => [label(route), route] as const))('%s: a missing document is a 404', async (_label, route) => {
  const res = await app.http()[route.method](route.path(MISSING)).set(bearer(jwt[route.role])).send({ data: route.data });
  expect(res.status).toBe(404);
});

test.each([...WITH_ID, ...CREATES].map((route) => [label(route), route] as const))('%s: an unknown key in data is a 400 naming it, and nothing changes', async (_label, route) => {
  const existing = await app.strapi.db.query(route.uid as any).findOne({ select: ['documentId'] });
  const before = await snapshot(route.uid!);
  const res = await app.http()[route.method](route.path(existing?.documentId ?? MISSING)).set(bearer(jwt[route.role])).send({ data: { ...route.data, bogusKey: 1 } });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body.error)).toContain('bogusKey');
  expect(await snapshot(route.uid!)).toBe(before);
});

test.each(WITH_ID.map((route) => [label(route), route] as const))('%s: data that is not an object is a 400', async (_label, route) => {
  const existing = await app.strapi.db.query(route.uid as any).findOne({ select: ['documentId'] });
  const res = await app.http()[route.method](route.path(existing.documentId)).set(bearer(jwt[route.role])).send({ data: ['x'] });
  expect(res.status).toBe(400);
});
