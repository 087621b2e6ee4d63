import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { lessonData, themeIds } from '../helpers/content';

/*
 * The in-process caches (src/platform/sign-in-cache.ts, src/shared/read-cache.ts) must never serve what a write has changed: each
 * test first warms the cache with a read, then writes, then reads again on the same instance.
 */
let app: TestApp;
const users: Record<string, TestUser> = {};
let emotion: string;

const get = (who: TestUser, path: string) => app.http().get(path).set(bearer(who.jwt));
const listTitles = async (who: TestUser, qs = 'filters[gradeBand][$eq]=upper_primary&sort=title') => {
  const res = await get(who, `/api/lesson-plans?${qs}`);
  expect(res.status).toBe(200);
  return res.body.data.map((doc: { title: string }) => doc.title);
};
const searchTitles = async (who: TestUser, q: string) => {
  const res = await get(who, `/api/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.data.map((hit: { title: string }) => hit.title);
};
const createLesson = async (title: string, extra: Record<string, unknown> = {}) => {
  const res = await app.http().post('/api/lesson-plans?status=draft').set(bearer(users.researcher.jwt)).send({ data: lessonData({ title, themes: [emotion], ...extra }) });
  expect(res.status).toBe(201);
  return res.body.data.documentId as string;
};

beforeAll(async () => {
  app = await startApp();
  [emotion] = await themeIds(app.strapi, 'emotion-regulation');
  const school = await createSchool(app.strapi);
  users.researcher = await createUser(app.strapi, { role: 'researcher' });
  users.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { name: '林老师', positions: ['subject'], schoolDocumentId: school.documentId } });
  users.other = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
});
afterAll(() => app.stop());

describe('sign-in cache', () => {
  test('a user blocked after signing in is refused on the next request', async () => {
    const user = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    expect((await get(user, '/api/me')).status).toBe(200);
    await app.strapi.documents('plugin::users-permissions.user').update({ documentId: user.user.documentId, data: { blocked: true } as any });
    const res = await get(user, '/api/me');
    expect(res.status).toBe(401);
  });

  test('a cached token is accepted only in the exact "Bearer <token>" form users-permissions accepts', async () => {
    const user = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    expect((await get(user, '/api/me')).status).toBe(200);
    // users-permissions ignores such a header, so the request is the public role's, which may not read /api/me.
    const res = await app.http().get('/api/me').set('Authorization', `Bearer ${user.jwt} trailing`);
    expect(res.status).toBe(403);
    expect(res.body.data).toBeNull();
    expect(res.body.error.status).toBe(403);
  });

  test('a role change takes effect on the next request: the old token is dead, a new one has the new role', async () => {
    const user = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    expect((await get(user, '/api/lesson-plans')).status).toBe(200);
    const bare = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    await app.strapi.documents('plugin::users-permissions.user').update({ documentId: user.user.documentId, data: { role: bare!.id } as any });
    expect((await get(user, '/api/lesson-plans')).status).toBe(401);
    const fresh = { ...user, jwt: app.strapi.plugin('users-permissions').service('jwt').issue({ id: user.user.id }) };
    expect((await get(fresh, '/api/lesson-plans')).status).toBe(403);
  });

  test("a new mental-health post opens counselling cases as soon as a researcher confirms it", async () => {
    const user = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
    expect((await get(user, '/api/counseling-cases')).status).toBe(403);
    await app.strapi.documents('api::teacher.teacher').update({ documentId: user.teacher!.documentId, data: { positions: ['mh_fulltime'] } as any });
    // A position change ends the earlier tokens (src/platform/token-revocation.ts); a new mental-health post opens
    // cases only once a researcher confirms it (src/platform/mh-post.ts).
    expect((await get(user, '/api/counseling-cases')).status).toBe(401);
    const fresh = { ...user, jwt: app.strapi.plugin('users-permissions').service('jwt').issue({ id: user.user.id }) };
    expect((await get(fresh, '/api/counseling-cases')).status).toBe(403);
    const confirmed = await app.http().post(`/api/teachers/${user.teacher!.documentId}/confirm-mh-post`).set(bearer(users.researcher.jwt));
    expect(confirmed.status).toBe(200);
    const res = await get(fresh, '/api/counseling-cases');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });
});

describe('read cache', () => {
  test('a published lesson appears in a list page that was read before, and leaves it when unpublished', async () => {
    expect(await listTitles(users.teacher)).toEqual([]);
    const documentId = await createLesson('缓存之后发布的课');
    expect(await listTitles(users.teacher)).toEqual([]);
    expect((await app.http().post(`/api/lesson-plans/${documentId}/publish`).set(bearer(users.researcher.jwt))).status).toBe(200);
    expect(await listTitles(users.teacher)).toEqual(['缓存之后发布的课']);
    expect((await app.http().post(`/api/lesson-plans/${documentId}/unpublish`).set(bearer(users.researcher.jwt))).status).toBe(200);
    expect(await listTitles(users.teacher)).toEqual([]);
  });

  test('a renamed theme shows in the cached page', async () => {
    const documentId = await createLesson('主题改名的课');
    await app.http().post(`/api/lesson-plans/${documentId}/publish`).set(bearer(users.researcher.jwt));
    const themeName = async () => (await get(users.teacher, '/api/lesson-plans?filters[title][$eq]=主题改名的课')).body.data[0].themes[0].nameZh;
    expect(await themeName()).toBe('情绪调控');
    await app.strapi.documents('api::theme.theme').update({ documentId: emotion, data: { nameZh: '情绪调节' } as any });
    expect(await themeName()).toBe('情绪调节');
  });

  test('a teacher sees their own draft list, not another teacher’s cached one', async () => {
    const res = await app.http().post('/api/lesson-plans').set(bearer(users.teacher.jwt)).send({ data: lessonData({ title: '林老师的草稿', themes: [emotion] }) });
    expect(res.status).toBe(201);
    expect(await listTitles(users.teacher, 'status=draft')).toEqual(['林老师的草稿']);
    expect(await listTitles(users.other, 'status=draft')).toEqual([]);
    expect(await listTitles(users.teacher, 'status=draft')).toEqual(['林老师的草稿']);
  });

  test('search results follow publish and unpublish', async () => {
    expect(await searchTitles(users.teacher, '极光')).toEqual([]);
    const documentId = await createLesson('极光下的情绪课', { summary: '在极光的故事里认识情绪。' });
    await app.http().post(`/api/lesson-plans/${documentId}/publish`).set(bearer(users.researcher.jwt));
    expect(await searchTitles(users.teacher, '极光')).toEqual(['极光下的情绪课']);
    await app.http().post(`/api/lesson-plans/${documentId}/unpublish`).set(bearer(users.researcher.jwt));
    expect(await searchTitles(users.teacher, '极光')).toEqual([]);
  });
});
