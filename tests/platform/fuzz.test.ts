import fs from 'fs';
import os from 'os';
import path from 'path';
import http from 'http';
import request from 'supertest';
import { startApp, type TestApp } from '../helpers/strapi';
import { caseData, lessonData, scriptData } from '../helpers/content';

// A seeded, bounded fuzz of every content-API route (and the admin panel's content manager for our types):
// hostile ids, filter/sort/populate/pagination shapes, wrong types, deep and huge bodies, prototype keys,
// unicode and control characters, malformed multipart and files. Whatever comes in: no 5xx, no hang, no
// temporary file left behind, and a healthy server afterwards. FUZZ_SEED and FUZZ_CASES change the run.
const SEED = Number(process.env.FUZZ_SEED || 20261124);
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES || 36);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-fuzz-'));

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;

let app: TestApp;
let server: http.Server;
const actors: Record<string, string | null> = { anonymous: null };
const ids: string[] = [];
let adminToken = '';

const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const STRANGE = [
  '', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '%00', 'a\u0000b', '\r\n', '😀👨‍👩‍👧', 'ｆｕｌｌ２０２５', '情緒壓力',
  'x'.repeat(5000), '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '${7*7}', '__proto__', 'constructor', '\u202e', '\ud800',
];
const VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e309, Number.MAX_SAFE_INTEGER, '', 'x', '情绪', 'x'.repeat(70000), [], [1, 2], ['a'], {}, { a: 1 }, [{}], { $eq: 1 },
  '2025-02-30', '2025-2026', '１２', 'A', 'open', 'approved', 'finalised',
];

const ID_FORMS = () => [...STRANGE.filter((s) => s.length < 100), 'a%00b', '%E0%A4%A', 'x'.repeat(300)];

function pathFor(template: string): string {
  return template.replace(/:(\w+)/g, (_, name) => {
    if (name === 'key' && chance(0.5)) return pick(['lessons', 'psychodrama', 'cases', 'nope']);
    if (ids.length && chance(0.45)) return pick(ids);
    const form = pick(ID_FORMS());
    if (/%[0-9A-F]{2}/i.test(form)) return form;
    try {
      return encodeURIComponent(form);
    } catch {
      return '%ED%A0%80'; // a lone surrogate, as raw UTF-8 bytes
    }
  });
}

const QUERIES = [
  'filters=x', 'filters[]=', 'filters[0]=a', 'filters[title][$between]=1', 'filters[title][$in]=a', 'filters[title][$eq][$eq]=a',
  'filters[$or][0][title][$eq]=a', 'filters[$and]=x', 'filters[$not][title]=a', 'filters[school][name][$eq]=x',
  'filters[author][documentId][$eq]=x', 'filters[constructor][prototype]=1', 'filters[__proto__][x]=1', 'filters[id][$gt]=0',
  'filters[title][$containsi]=%00', 'filters[password][$eq]=x', 'filters[user][email][$eq]=x', 'filters[keywords][$contains]=x',
  `filters${'[a]'.repeat(60)}=1`, 'filters[title][$null]=maybe', 'filters[createdAt][$gt]=notadate', 'filters[hours][$lt]=abc',
  'sort=title', 'sort=nope:asc', 'sort[0]=x', 'sort=school.name', 'sort=title:sideways', 'sort[title]=desc', 'sort=author.name:desc',
  'populate=*', 'populate[author]=true', 'populate=deep', 'populate[0]=nope', 'populate[school][populate]=*', 'populate[x][y][z]=1',
  'pagination[page]=-1', 'pagination[pageSize]=100000', 'pagination[start]=x', 'pagination[limit]=-5', 'pagination[page]=1e400',
  'pagination[withCount]=maybe', 'fields[0]=password', 'fields=*', 'fields[0]=nope', 'status=draft', 'status=xyz', 'locale=xx',
  'q=情绪', 'q=', `q=${'焦虑'.repeat(400)}`, 'q=%00', 'q=*', 'q=a%20OR%201', 'schoolYear=2025-2026', 'schoolYear=abc', 'schoolYear[]=1',
  'dryRun=true', 'partial=true', 'district=x', 'school=x', 'tier=Z', '%00', 'a[', 'a]=1', 'filters[title]=%E0%A4%A', 'x=%ZZ',
  'page=2&pageSize=9999', 'modules[a]=1', 'data[title]=x',
];

function randomQuery(): string {
  const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(QUERIES));
  return parts.join('&');
}

const PAYLOADS = [lessonData(), scriptData(), caseData()];

function mutate(value: unknown, depth = 0): unknown {
  if (depth > 3 || chance(0.15)) return pick(VALUES);
  if (Array.isArray(value)) return value.map((item) => (chance(0.3) ? mutate(item, depth + 1) : item));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    for (let i = 0; i < 1 + Math.floor(random() * 3); i += 1) {
      const key = keys.length && chance(0.8) ? pick(keys) : pick(['unknownKey', 'id', 'documentId', 'status', 'teacher', 'records', 'decision', 'reason', 'scores', 'modules', 'round', 'resource', 'reviewer', 'submission', 'allowIncomplete', 'tier', 'schoolYear', 'teachers', 'courseStatus', 'enrolledCount']);
      copy[key] = mutate(copy[key], depth + 1);
    }
    return copy;
  }
  return pick(VALUES);
}

type Body = { type: 'json'; value: unknown } | { type: 'raw'; contentType: string; text: string | Buffer };

function randomBody(): Body {
  switch (Math.floor(random() * 9)) {
    case 0:
      return { type: 'raw', contentType: 'application/json', text: pick(['', '{"data":', 'null', '"x"', '[]', '{"data":{"title":"\\ud800"}}', deep(20000), deep(40), '{"data":{"__proto__":{"admin":true}}}', '{"data":{"constructor":{"prototype":{"x":1}}}}']) };
    case 1:
      return { type: 'json', value: pick([{}, [], { data: null }, { data: 'x' }, { data: [] }, { data: { records: 'x' } }, { data: { teachers: {} } }, { data: { modules: { a: 1 } } }]) };
    case 2:
      return { type: 'json', value: { data: Object.fromEntries(Array.from({ length: 3 }, () => [pick(['title', 'hours', 'date', 'category', 'teacher', 'scores', 'comment', 'reason', 'round', 'resource', 'status', 'tier', 'to']), pick(VALUES)])) } };
    case 3:
    case 4:
      return { type: 'json', value: { data: mutate(pick(PAYLOADS)) } };
    case 5:
      return { type: 'raw', contentType: pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded']), text: pick(['data[title]=x', 'a=%ZZ', '<x/>', 'x'.repeat(2000)]) };
    default:
      return randomMultipart();
  }
}

const XLSX_GARBAGE = Buffer.from('PK\u0003\u0004 this is not a zip file at all');
function randomMultipart(): Body {
  const b = 'XyZfuzzBoundary';
  const part = (name: string, filename: string, content: string | Buffer, type = 'text/csv') =>
    Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]);
  const field = (name: string, value: string) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const end = Buffer.from(`--${b}--\r\n`);
  const csv = '工号,姓名,培训项目,日期,学时,类别\nS1,张三,心理培训,2025-10-08,2,topic_training\n';
  const name = pick(['file', 'evidence', 'files']);
  const variants: [string, Buffer][] = [
    ['multipart/form-data', Buffer.concat([part(name, 'a.csv', csv), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([part(name, 'a.csv', csv)]).subarray(0, 60)],
    [`multipart/form-data; boundary=${b}`, part(name, 'a.csv', csv)],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="a\r\nb.csv"\r\n\r\nx\r\n`), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([part(name, 'sheet.xlsx', XLSX_GARBAGE, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([part(name, 'a.csv', '工号,姓名\n"S1,未闭合的引号\n'), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([part(name, 'empty.csv', ''), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([part(name, 'x.csv', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x30, 0x89, 0x38])), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([part(name, `${'长'.repeat(400)}.csv`, csv), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([field('data', pick(['{"hours":2}', '{', 'null', JSON.stringify({ category: 'online', hours: 2, date: '2025-10-08' })])), part('evidence', 'e.html', '<script>1</script>', 'text/html'), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([...Array.from({ length: 130 }, (_, i) => field(`f${i}`, 'x')), end])],
    [`multipart/form-data; boundary=${b}`, Buffer.concat([field('data', 'x'.repeat(3 * 1024 * 1024)), end])],
  ];
  const [contentType, text] = pick(variants);
  return { type: 'raw', contentType, text };
}

interface Finding {
  request: string;
  status: number | string;
  body?: string;
}

async function send(method: string, url: string, actor: string | null, body: Body | null, admin = false): Promise<Finding | null> {
  const client = request(server);
  let req = (client as any)[method.toLowerCase()](url) as request.Test;
  if (admin) req = req.set('Authorization', `Bearer ${adminToken}`);
  else if (actor) req = req.set('Authorization', `Bearer ${actor}`);
  if (body?.type === 'json') req = req.send(body.value as object);
  if (body?.type === 'raw') req = req.set('Content-Type', body.contentType).send(body.text as any);
  const description = `${method} ${url.slice(0, 300)} ${body ? (body.type === 'json' ? JSON.stringify(body.value).slice(0, 200) : `[${body.contentType}] ${String(body.text).slice(0, 120)}`) : ''}`;
  try {
    const res = await req.timeout({ response: 15000, deadline: 20000 });
    return res.status >= 500 ? { request: description, status: res.status, body: JSON.stringify(res.body).slice(0, 300) } : null;
  } catch (error: any) {
    if (error.timeout) return { request: description, status: 'hang' };
    if (error.response) return error.response.status >= 500 ? { request: description, status: error.response.status } : null;
    return { request: description, status: `client error ${error.code ?? error.message}` };
  }
}

beforeAll(async () => {
  process.env.UPLOAD_TMP_DIR = TMP;
  app = await startApp({ demo: true });
  server = app.strapi.server.httpServer as http.Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwt = app.strapi.plugin('users-permissions').service('jwt');
  for (const username of ['demo-researcher', 'demo-coordinator', 'demo-mh-teacher', 'demo-subject-teacher']) {
    const user = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username } });
    actors[username] = jwt.issue({ id: user.id });
  }
  for (const uid of ['api::lesson-plan.lesson-plan', 'api::psychodrama-script.psychodrama-script', 'api::counseling-case.counseling-case', 'api::selection-round.selection-round', 'api::submission.submission', 'api::review.review', 'api::training-course.training-course', 'api::credit-record.credit-record', 'api::certificate.certificate', 'api::teacher.teacher', 'api::school.school', 'api::theme.theme']) {
    const rows = await app.strapi.db.query(uid as any).findMany({ select: ['documentId'], limit: 3 });
    ids.push(...rows.map((row: { documentId: string }) => row.documentId));
  }
  const { adminSession } = await import('../helpers/admin');
  adminToken = (await adminSession(app)).token;
}, 300000);

afterAll(async () => {
  delete process.env.UPLOAD_TMP_DIR;
  await new Promise((resolve) => server?.close(resolve));
  await app?.stop();
  fs.rmSync(TMP, { recursive: true, force: true });
});

test(`seeded fuzz (seed ${SEED}): no 5xx, no hang, no temporary file left, healthy after`, async () => {
  const routes = (app.strapi.server.listRoutes() as { path: string; methods: string[] }[])
    .filter((route) => route.path.startsWith('/api/'))
    .flatMap((route) => route.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: route.path })));
  const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
  expect(unique.length).toBeGreaterThan(60);

  // The admin panel's content manager for our own types, as an admin.
  const ourTypes = Object.keys(app.strapi.contentTypes).filter((uid) => uid.startsWith('api::'));
  const adminRoutes = ourTypes.flatMap((uid) => [
    { method: 'GET', path: `/content-manager/collection-types/${uid}`, admin: true },
    { method: 'POST', path: `/content-manager/collection-types/${uid}`, admin: true },
    { method: 'PUT', path: `/content-manager/collection-types/${uid}/:id`, admin: true },
    { method: 'DELETE', path: `/content-manager/collection-types/${uid}/:id`, admin: true },
  ]);

  // The staff workspace's admin routes (src/workspace), as an admin.
  const workspaceRoutes = (app.strapi.server.listRoutes() as { path: string; methods: string[] }[])
    .filter((route) => route.path.startsWith('/xinyu/'))
    .flatMap((route) => route.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: route.path, admin: true })));
  expect(workspaceRoutes.length).toBeGreaterThanOrEqual(5);

  const findings: Finding[] = [];
  let sent = 0;
  const actorNames = Object.keys(actors);
  const all = [...unique.map((r) => ({ ...r, admin: false })), ...adminRoutes, ...workspaceRoutes];
  for (const route of all) {
    const batch = route.admin ? Math.ceil(CASES_PER_ROUTE / 3) : CASES_PER_ROUTE;
    const jobs = Array.from({ length: batch }, () => {
      const url = `${pathFor(route.path)}${chance(0.7) ? `?${randomQuery()}` : ''}`;
      const body = route.method === 'GET' || route.method === 'DELETE' ? (chance(0.1) ? randomBody() : null) : randomBody();
      return () => send(route.method, url, actors[pick(actorNames)], body, route.admin);
    });
    // A few at a time: hostile input arrives concurrently too.
    for (let i = 0; i < jobs.length; i += 4) {
      const results = await Promise.all(jobs.slice(i, i + 4).map((job) => job()));
      sent += results.length;
      findings.push(...(results.filter(Boolean) as Finding[]));
    }
  }
  expect(sent).toBeGreaterThan(2000);
  if (findings.length) console.log(`${findings.length} findings of ${sent} requests:\n${findings.slice(0, 40).map((f) => `${f.status} ${f.request} ${f.body ?? ''}`).join('\n')}`);
  expect(findings).toEqual([]);

  const health = await request(server).get('/_health');
  expect(health.status).toBe(204);
  // Every request's temporary directory is gone once it is answered.
  expect(fs.readdirSync(TMP)).toEqual([]);
}, 900000);
