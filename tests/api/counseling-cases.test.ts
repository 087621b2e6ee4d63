import { startApp, createUser, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { caseData, residentId } from '../helpers/content';

let app: TestApp;
const users: Record<string, TestUser> = {};
let published: { documentId: string };

const post = (jwt: string, data: unknown) => app.http().post('/api/counseling-cases').set(bearer(jwt)).send({ data });

beforeAll(async () => {
  app = await startApp();
  users.researcher = await createUser(app.strapi, { role: 'researcher' });
  users.mhFulltime = await createUser(app.strapi, { role: 'teacher', teacher: { name: '林心怡', positions: ['mh_fulltime'] } });
  users.mhParttime = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['mh_parttime', 'subject'] } });
  users.homeroom = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['homeroom', 'subject'] } });
  users.subject = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
  users.moral = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['moral_education'] } });
  users.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  const res = await post(users.researcher.jwt, caseData());
  expect(res.status).toBe(201);
  published = res.body.data;
});
afterAll(async () => {
  await app?.stop();
});

describe('who may read counselling cases', () => {
  test.each(['researcher', 'mhFulltime', 'mhParttime'])('%s lists and reads cases with their sessions', async (who) => {
    const list = await app.http().get('/api/counseling-cases').set(bearer(users[who].jwt));
    expect(list.status).toBe(200);
    expect(list.body.data.map((c) => c.title)).toEqual(['一名初一新生的入学适应辅导']);
    const one = await app.http().get(`/api/counseling-cases/${published.documentId}`).set(bearer(users[who].jwt));
    expect(one.status).toBe(200);
    expect(one.body.data.sessions.map((s) => s.focus)).toEqual(['建立关系', '寻找例外']);
    expect(one.body.data).toMatchObject({ format: 'individual', problemCategory: 'adaptation', approaches: ['solution_focused', 'art_therapy'], anonymised: true });
  });

  test.each(['homeroom', 'subject', 'moral', 'coordinator'])('%s gets 403 on every case endpoint', async (who) => {
    const jwt = users[who].jwt;
    const calls = [
      () => app.http().get('/api/counseling-cases').set(bearer(jwt)),
      () => app.http().get(`/api/counseling-cases/${published.documentId}`).set(bearer(jwt)),
      () => app.http().post('/api/counseling-cases').set(bearer(jwt)).send({ data: caseData({ title: '越权' }) }),
      () => app.http().put(`/api/counseling-cases/${published.documentId}`).set(bearer(jwt)).send({ data: { title: '越权' } }),
      () => app.http().delete(`/api/counseling-cases/${published.documentId}`).set(bearer(jwt)),
      () => app.http().post(`/api/counseling-cases/${published.documentId}/unpublish`).set(bearer(jwt)),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('入学适应');
    }
    const stored = await app.strapi.documents('api::counseling-case.counseling-case').findOne({ documentId: published.documentId, status: 'published' });
    expect(stored!.title).toBe('一名初一新生的入学适应辅导');
  });

  test('the public gets 403', async () => {
    expect((await app.http().get('/api/counseling-cases')).status).toBe(403);
  });
});

describe('writing cases', () => {
  test('a mental-health teacher writes a draft case as themselves and cannot publish it', async () => {
    const res = await post(users.mhFulltime.jwt, caseData({ title: '团体辅导：缓解考前焦虑', format: 'group', problemCategory: 'learning_stress' }));
    expect(res.status).toBe(201);
    expect(res.body.data.publishedAt).toBeNull();
    expect(res.body.data.author.name).toBe('林心怡');
    const publish = await app.http().post(`/api/counseling-cases/${res.body.data.documentId}/publish`).set(bearer(users.mhFulltime.jwt));
    expect(publish.status).toBe(403);
  });

  test('a resident ID number in a session observation is refused with the session path', async () => {
    const data = caseData();
    (data.sessions as any)[1].observation = `学生出示了证件 ${residentId('44030620080215331')}`;
    const before = await app.strapi.db.query('api::counseling-case.counseling-case').count();
    const res = await post(users.researcher.jwt, data);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('sessions.1.observation contains a resident ID number; student identities must never be stored');
    expect(res.body.error.details.errors[0].path).toEqual(['sessions', '1', 'observation']);
    expect(await app.strapi.db.query('api::counseling-case.counseling-case').count()).toBe(before);
  });

  test.each([
    ['background', '家长手机 +86 139 1234 5678', 'a mobile phone number'],
    ['reflection', '可联系 counselor@school.edu.cn 获取量表', 'an email address'],
  ])('%s with %s is refused', async (field, text, kind) => {
    const res = await post(users.researcher.jwt, caseData({ [field]: text }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`${field} contains ${kind}; student identities must never be stored`);
  });

  test.each(['consentObtained', 'anonymised'])('a case without %s confirmed is refused', async (field) => {
    const res = await post(users.researcher.jwt, caseData({ title: `未确认 ${field}`, [field]: false }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
  });

  test('an unknown approach is refused naming the field', async () => {
    const res = await post(users.researcher.jwt, caseData({ title: '未知方法', approaches: ['hypnosis'] }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['approaches']);
  });
});
