import path from 'path';
import { randomBytes } from 'crypto';
import { spawn, type ChildProcess } from 'child_process';
import request from 'supertest';
import Redis from 'ioredis';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, cm, type AdminSession } from '../helpers/admin';
import { lessonData, scriptData, themeIds } from '../helpers/content';

/*
 * Issue 14: two instances on one PostgreSQL database and one Redis behave as one. Instance A runs in this
 * process, instance B in its own (tests/helpers/serve-instance.js), both with the default cache lifetimes
 * (reads 30 s, sign-ins 10 s), so a change seen on B within 1 s was carried by Redis, not by a timeout.
 * PostgreSQL is the production topology, so this file uses it in the SQLite run too.
 */
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const LESSON_UID = 'api::lesson-plan.lesson-plan';
const USER_UID = 'plugin::users-permissions.user';
const TEACHER_UID = 'api::teacher.teacher';

let a: TestApp;
let bProcess: ChildProcess;
let b: () => ReturnType<typeof request>;
let redis: Redis;
let admin: AdminSession;
let researcher: TestUser;
let reader: TestUser;
let emotion: string;
const prefix = `xinyu-test-${randomBytes(4).toString('hex')}:`;

function startInstanceB(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve(__dirname, '..', 'helpers', 'serve-instance.js')], { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, port: JSON.parse(line).port });
    });
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => reject(new Error(`instance B exited with ${code}:\n${stderr.slice(-3000)}`)));
  });
}

/** Polls until `check` holds; returns how long that took after the write (ms), or fails after `limitMs`. */
async function seenWithin(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, { REDIS_URL, REDIS_PREFIX: prefix, AUTH_CACHE_TTL_MS: '10000', READ_CACHE_TTL_MS: '30000' });
  a = await startApp({ client: 'postgres' });
  // A listens for the whole file, as B does: concurrent requests then share one real socket server.
  await new Promise<void>((resolve) => a.strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
  // B gets the same database, secrets and Redis prefix through the environment.
  const started = await startInstanceB();
  bProcess = started.child;
  b = () => request(`http://127.0.0.1:${started.port}`);
  redis = new Redis(REDIS_URL);
  [emotion] = await themeIds(a.strapi, 'emotion-regulation');
  researcher = await createUser(a.strapi, { role: 'researcher' });
  reader = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
  admin = await adminSession(a);
}, 400_000);

afterAll(async () => {
  if (bProcess && bProcess.exitCode === null) {
    const exited = new Promise((resolve) => bProcess.once('exit', resolve));
    bProcess.kill('SIGTERM');
    await exited;
  }
  await redis?.quit();
  await a?.stop();
  // This file switched the database to PostgreSQL and set Redis: nothing of that outlives it.
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

const titlesOn = async (client: () => ReturnType<typeof request>, qs: string) => {
  const res = await client().get(`/api/lesson-plans?${qs}`).set(bearer(reader.jwt));
  expect(res.status).toBe(200);
  return res.body.data.map((doc: { title: string }) => doc.title) as string[];
};
const searchOn = async (client: () => ReturnType<typeof request>, q: string) => {
  const res = await client().get(`/api/search?q=${encodeURIComponent(q)}`).set(bearer(reader.jwt));
  expect(res.status).toBe(200);
  return res.body.data.map((hit: { title: string }) => hit.title) as string[];
};

describe('a write on A reaches the read caches of B within 1 s', () => {
  test('unpublish, republish and a title edit: B\'s list and search follow', async () => {
    const marker = `集群${randomBytes(3).toString('hex')}`;
    const title = `情绪调节 ${marker}`;
    const created = await a.http().post(`/api/lesson-plans?status=draft`).set(bearer(researcher.jwt)).send({ data: lessonData({ title, themes: [emotion] }) });
    expect(created.status).toBe(201);
    const documentId = created.body.data.documentId as string;
    expect((await a.http().post(`/api/lesson-plans/${documentId}/publish`).set(bearer(researcher.jwt))).status).toBe(200);
    const qs = `filters[title][$containsi]=${encodeURIComponent(marker)}`;

    // B computes and caches its list page and search result.
    expect(await titlesOn(b, qs)).toEqual([title]);
    expect(await searchOn(b, marker)).toEqual([title]);
    expect(await titlesOn(b, qs)).toEqual([title]);

    await a.strapi.documents(LESSON_UID).unpublish({ documentId });
    expect(await seenWithin(1000, async () => (await titlesOn(b, qs)).length === 0)).toBeLessThan(1000);
    expect(await seenWithin(1000, async () => (await searchOn(b, marker)).length === 0)).toBeLessThan(1000);

    await a.strapi.documents(LESSON_UID).publish({ documentId });
    expect(await seenWithin(1000, async () => (await titlesOn(b, qs)).length === 1)).toBeLessThan(1000);

    // The same edit through the admin panel's content manager.
    const renamed = `情绪调节（修订） ${marker}`;
    const edited = await a.http().put(cm.document(LESSON_UID, documentId)).set(admin.headers).send({ title: renamed });
    expect(edited.status).toBe(200);
    expect((await a.http().post(cm.action(LESSON_UID, documentId, 'publish')).set(admin.headers).send({})).status).toBe(200);
    expect(await seenWithin(1000, async () => (await titlesOn(b, qs))[0] === renamed)).toBeLessThan(1000);
  });

  test('a raw-SQL write (the search-index rebuild) reaches B: its cached search result is dropped', async () => {
    const marker = `重建${randomBytes(3).toString('hex')}`;
    const created = await a.http().post(`/api/lesson-plans?status=draft`).set(bearer(researcher.jwt)).send({ data: lessonData({ title: `压力管理 ${marker}`, themes: [emotion] }) });
    const documentId = created.body.data.documentId as string;
    await a.http().post(`/api/lesson-plans/${documentId}/publish`).set(bearer(researcher.jwt));
    expect(await searchOn(b, marker)).toEqual([`压力管理 ${marker}`]);
    // A raw edit behind the Document Service's back (a restore, say): nothing is told, B keeps its cached result.
    await a.strapi.db.connection(a.strapi.db.metadata.get(LESSON_UID).tableName).where({ document_id: documentId }).update({ title: `压力管理（新） ${marker}` });
    expect(await searchOn(b, marker)).toEqual([`压力管理 ${marker}`]);
    // The rebuild writes the index with raw SQL too, and tells every instance when it is done.
    const { rebuildSearchIndex } = require('../../dist/src/content/search');
    expect(await rebuildSearchIndex(a.strapi)).toBeGreaterThan(0);
    expect(await seenWithin(1000, async () => (await searchOn(b, marker))[0] === `压力管理（新） ${marker}`)).toBeLessThan(1000);
  });
});

test('blind review: a script submitted on A loses its author on B within 1 s', async () => {
  const school = await createSchool(a.strapi, { name: `集群实验学校${randomBytes(2).toString('hex')}` });
  const author = await createUser(a.strapi, { role: 'teacher', teacher: { name: '郑集群', schoolDocumentId: school.documentId, positions: ['mh_fulltime'] } });
  const marker = `盲审${randomBytes(3).toString('hex')}`;
  const script = await a.strapi.documents('api::psychodrama-script.psychodrama-script').create({
    data: { ...scriptData({ title: `校园剧 ${marker}` }), author: author.teacher!.documentId, school: school.documentId } as never,
    status: 'published',
  });
  const library = await a.strapi.db.query('api::library.library').findOne({ where: { key: 'psychodramas' } });
  const hour = 3600_000;
  const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
  const round = await a.http().post('/api/selection-rounds').set(bearer(researcher.jwt)).send({
    data: {
      title: `集群盲审 ${marker}`, library: library.documentId, year: new Date(Date.now() + 7 * hour).getUTCFullYear(), quota: 5, minReviews: 1,
      submissionOpensAt: iso(-hour), submissionClosesAt: iso(hour), reviewDeadline: iso(2 * hour),
      rubric: [{ key: 'design', name: '设计', weight: 1, minScore: 0, maxScore: 10 }],
    },
  });
  expect(round.status).toBe(201);
  expect((await a.http().post(`/api/selection-rounds/${round.body.data.documentId}/transition`).set(bearer(researcher.jwt)).send({ data: { status: 'open' } })).status).toBe(200);
  const authorOnB = async () => {
    const res = await b().get(`/api/psychodrama-scripts?filters[title][$containsi]=${encodeURIComponent(marker)}`).set(bearer(reader.jwt));
    expect(res.status).toBe(200);
    return res.body.data[0]?.author?.name ?? null;
  };
  // B caches the list page and the set of resources under review (none of this one yet).
  expect(await authorOnB()).toBe('郑集群');
  expect(await authorOnB()).toBe('郑集群');
  const submitted = await a.http().post('/api/submissions').set(bearer(author.jwt)).send({ data: { round: round.body.data.documentId, resource: script.documentId } });
  expect(submitted.status).toBe(201);
  expect(await seenWithin(1000, async () => (await authorOnB()) === null)).toBeLessThan(1000);
});

describe('a change to an account on A: B refuses the old token within 1 s', () => {
  const primed = async (user: TestUser) => {
    // B verifies the token and caches the sign-in.
    expect((await b().get('/api/me').set(bearer(user.jwt))).status).toBe(200);
    expect((await b().get('/api/me').set(bearer(user.jwt))).status).toBe(200);
  };
  const refusedOnB = (user: TestUser) => seenWithin(1000, async () => (await b().get('/api/me').set(bearer(user.jwt))).status === 401);

  test('blocked in the admin panel', async () => {
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    await primed(user);
    const res = await a.http().put(cm.document(USER_UID, user.user.documentId)).set(admin.headers).send({ blocked: true });
    expect(res.status).toBe(200);
    expect(await refusedOnB(user)).toBeLessThan(1000);
  });

  test('role changed through the Document Service', async () => {
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    await primed(user);
    const role = await a.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'researcher' } });
    await a.strapi.documents(USER_UID).update({ documentId: user.user.documentId, data: { role: role.id } as never });
    expect(await refusedOnB(user)).toBeLessThan(1000);
  });

  test('teacher positions changed in the admin panel', async () => {
    const school = await createSchool(a.strapi);
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'], schoolDocumentId: school.documentId } });
    await primed(user);
    const res = await a.http().put(cm.document(TEACHER_UID, user.teacher!.documentId)).set(admin.headers).send({ positions: ['homeroom'] });
    expect(res.status).toBe(200);
    expect(await refusedOnB(user)).toBeLessThan(1000);
  });

  test('password changed through REST on A', async () => {
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    await primed(user);
    const password = `Pw-${randomBytes(9).toString('base64url')}`;
    const res = await a.http().post('/api/auth/change-password').set(bearer(user.jwt)).send({ currentPassword: user.password, password, passwordConfirmation: password });
    expect(res.status).toBe(200);
    expect(await refusedOnB(user)).toBeLessThan(1000);
    // The new token works on both.
    expect((await b().get('/api/me').set(bearer(res.body.jwt))).status).toBe(200);
  });
});

describe('rate limits are one budget across instances', () => {
  test('sign-in: 10 failures alternating A and B, the 11th is 429 on either', async () => {
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const client = attempt % 2 === 0 ? a.http : b;
      statuses.push((await client().post('/api/auth/local').send({ identifier: user.user.username, password: `wrong-${attempt}` })).status);
    }
    expect(statuses).toEqual(Array(10).fill(400));
    const onA = await a.http().post('/api/auth/local').send({ identifier: user.user.username, password: user.password });
    const onB = await b().post('/api/auth/local').send({ identifier: user.user.username, password: user.password });
    expect([onA.status, onB.status]).toEqual([429, 429]);
    expect(onB.body.error.name).toBe('RateLimitError');
    expect(Number(onB.headers['retry-after'])).toBeGreaterThan(0);
    await redis.del(`${prefix}rl:auth:/api/auth/local:127.0.0.1`);
  });

  test('20 wrong passwords at once, 10 to each instance: exactly 10 are answered, 10 are 429', async () => {
    await redis.del(`${prefix}rl:auth:/api/auth/local:127.0.0.1`);
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a.http() : b()).post('/api/auth/local').send({ identifier: user.user.username, password: `x${i}` })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(400), ...Array(10).fill(429)]);
    await redis.del(`${prefix}rl:auth:/api/auth/local:127.0.0.1`);
  });

  test('a successful sign-in gives its attempt back; failures alone use the budget', async () => {
    await redis.del(`${prefix}rl:auth:/api/auth/local:127.0.0.1`);
    const user = await createUser(a.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    for (let i = 0; i < 12; i += 1) {
      const res = await (i % 2 ? a.http() : b()).post('/api/auth/local').send({ identifier: user.user.username, password: user.password });
      expect(res.status).toBe(200);
    }
    await redis.del(`${prefix}rl:auth:/api/auth/local:127.0.0.1`);
  });

  test('admin login: the default 5 failures across A and B, then 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const client = attempt % 2 === 0 ? a.http : b;
      statuses.push((await client().post('/admin/login').send({ email: admin.email, password: `wrong-${attempt}` })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  test('certificate verification: 30 lookups across A and B, the 31st is 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt += 1) {
      const client = attempt % 2 === 0 ? a.http : b;
      statuses.push((await client().get(`/api/certificates/verify/NOPE${attempt}`)).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe('jobs run once across instances', () => {
  test('a job another instance holds is not started here; it is once the lock is free', async () => {
    const { runExclusive, runScheduled } = require('../../dist/src/shared/cluster');
    // Another instance holds the lock (as B would while rebuilding).
    await redis.set(`${prefix}job:search-index-rebuild`, 'other-instance', 'PX', 30_000);
    const { rebuildSearchIndex } = require('../../dist/src/content/search');
    expect(await rebuildSearchIndex(a.strapi)).toBeNull();
    await redis.del(`${prefix}job:search-index-rebuild`);
    expect(await rebuildSearchIndex(a.strapi)).toBeGreaterThan(0);

    // Two callers at once: one runs, the other is told it is running; the lock is gone afterwards.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = runExclusive(a.strapi, 'demo-job', () => gate.then(() => 'done'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.get(`${prefix}job:demo-job`)).toBeTruthy();
    expect(await runExclusive(a.strapi, 'demo-job', async () => 'twice')).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, result: 'done' });
    expect(await redis.get(`${prefix}job:demo-job`)).toBeNull();

    // A scheduled run claimed by another instance for this minute is skipped here.
    const slot = Math.floor(Date.now() / 60_000);
    await redis.set(`${prefix}job:nightly:slot:${slot}`, 'other-instance', 'PX', 60_000);
    await redis.set(`${prefix}job:nightly:slot:${slot + 1}`, 'other-instance', 'PX', 60_000);
    let ran = 0;
    expect(await runScheduled(a.strapi, 'nightly', async () => (ran += 1))).toEqual({ ran: false });
    expect(ran).toBe(0);
  });

  test('the nightly search-index check rebuilds an index that lost documents, and leaves a whole one alone', async () => {
    const { checkSearchIndex } = require('../../dist/src/content/search');
    expect(await checkSearchIndex(a.strapi)).toEqual({ consistent: true, indexed: null });
    const [row] = await a.strapi.db.connection('search_documents').select('id').limit(1);
    await a.strapi.db.connection('search_postings').where({ document_ref: row.id }).delete();
    await a.strapi.db.connection('search_documents').where({ id: row.id }).delete();
    const repaired = await checkSearchIndex(a.strapi);
    expect(repaired.consistent).toBe(false);
    expect(repaired.indexed).toBeGreaterThan(0);
    expect(await checkSearchIndex(a.strapi)).toEqual({ consistent: true, indexed: null });
  });
});
