import { startApp, createUser, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { scriptData, themeIds } from '../helpers/content';

let app: TestApp;
let researcher: TestUser;
let teacher: TestUser;
let coordinator: TestUser;
let script: { documentId: string };

const post = (jwt: string, data: unknown) => app.http().post('/api/psychodrama-scripts').set(bearer(jwt)).send({ data });

beforeAll(async () => {
  app = await startApp();
  researcher = await createUser(app.strapi, { role: 'researcher' });
  teacher = await createUser(app.strapi, { role: 'teacher', teacher: { name: '陈向阳', positions: ['subject'] } });
  coordinator = await createUser(app.strapi, { role: 'coordinator' });
  const res = await post(researcher.jwt, scriptData({ themes: await themeIds(app.strapi, 'exam-anxiety', 'stress-management') }));
  expect(res.status).toBe(201);
  script = res.body.data;
});
afterAll(async () => {
  await app?.stop();
});

test('a researcher publishes a script with roles, scenes, phases and techniques; its slug is pinyin', async () => {
  const res = await app.http().get(`/api/psychodrama-scripts/${script.documentId}`).set(bearer(teacher.jwt));
  expect(res.status).toBe(200);
  const data = res.body.data;
  expect(data.slug).toBe('kao-shi-zhi-qian');
  expect(data.roles.map((r) => [r.name, r.isProtagonist])).toEqual([['小林', true], ['妈妈', false]]);
  expect(data.scenes.map((s) => s.title)).toEqual(['成绩单', '空椅子']);
  expect(data.techniques).toEqual(['role_reversal', 'empty_chair']);
  expect(data.themes.map((t) => t.slug).sort()).toEqual(['exam-anxiety', 'stress-management']);
  expect([data.warmUp, data.enactment, data.sharing].every((text) => typeof text === 'string' && text.length > 0)).toBe(true);
});

test('the list leaves out roles and scenes and filters by theme and grade band', async () => {
  const res = await app.http().get('/api/psychodrama-scripts?filters[themes][slug][$eq]=exam-anxiety&filters[gradeBand][$eq]=junior_secondary').set(bearer(coordinator.jwt));
  expect(res.status).toBe(200);
  expect(res.body.data.map((s) => s.title)).toEqual(['考试之前']);
  expect(res.body.data[0]).not.toHaveProperty('scenes');
  const none = await app.http().get('/api/psychodrama-scripts?filters[gradeBand][$eq]=lower_primary').set(bearer(coordinator.jwt));
  expect(none.body.data).toEqual([]);
});

test('a teacher writes a draft script and cannot publish it; the public reads nothing', async () => {
  const res = await post(teacher.jwt, scriptData({ title: '手机之外' }));
  expect(res.status).toBe(201);
  expect(res.body.data.publishedAt).toBeNull();
  expect(res.body.data.author.name).toBe('陈向阳');
  expect((await app.http().post(`/api/psychodrama-scripts/${res.body.data.documentId}/publish`).set(bearer(teacher.jwt))).status).toBe(403);
  expect((await app.http().get('/api/psychodrama-scripts')).status).toBe(403);
});

test('a coordinator cannot write scripts', async () => {
  expect((await post(coordinator.jwt, scriptData({ title: '协调员剧本' }))).status).toBe(403);
});

test.each([
  [{ techniques: ['hypnosis'] }, 'techniques'],
  [{ discussionQuestions: [1, 2] }, 'discussionQuestions'],
  [{ scenes: [{ title: '场景', script: '联系我：13612345678' }] }, 'scenes'],
])('invalid %j is refused naming %s', async (overrides, field) => {
  const res = await post(researcher.jwt, scriptData({ title: `错误剧本 ${field}`, ...overrides }));
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors[0].path[0]).toBe(field);
});
