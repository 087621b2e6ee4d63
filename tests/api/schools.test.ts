import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
const users: Record<string, TestUser> = {};
let primary: { documentId: string; code: string };

beforeAll(async () => {
  app = await startApp();
  primary = await createSchool(app.strapi, { name: '东湖区实验小学', district: '东湖区', stages: ['primary'], studentCount: 2180 });
  await createSchool(app.strapi, { name: '西山县民族中学', district: '西山县', stages: ['senior_secondary', 'junior_secondary'], boarding: true });
  users.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { schoolDocumentId: primary.documentId, phone: '13700137000' } });
  users.researcher = await createUser(app.strapi, { role: 'researcher' });
  users.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  users.authenticated = await createUser(app.strapi, { role: 'authenticated' });
});
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/schools', () => {
  test.each(['teacher', 'researcher', 'coordinator'])('a %s lists schools with their public fields', async (role) => {
    const res = await app.http().get('/api/schools?sort=name:asc').set(bearer(users[role].jwt));
    expect(res.status).toBe(200);
    expect(res.body.meta.pagination.total).toBe(2);
    const byName = Object.fromEntries(res.body.data.map((s) => [s.name, s]));
    expect(byName['东湖区实验小学']).toMatchObject({ district: '东湖区', stages: ['primary'], studentCount: 2180, boarding: false });
    expect(byName['西山县民族中学']).toMatchObject({ stages: ['junior_secondary', 'senior_secondary'], boarding: true });
  });

  test('filters by district', async () => {
    const res = await app.http().get('/api/schools?filters[district][$eq]=西山县').set(bearer(users.teacher.jwt));
    expect(res.body.data.map((s) => s.name)).toEqual(['西山县民族中学']);
  });

  test("a school never brings its teachers along, whatever populate asks", async () => {
    const res = await app.http().get('/api/schools?populate=teachers').set(bearer(users.researcher.jwt));
    expect(res.status).toBe(200);
    for (const school of res.body.data) expect(school).not.toHaveProperty('teachers');
    expect(JSON.stringify(res.body)).not.toContain('13700137000');
  });

  test('a filter on the stages list is 400, not a database error', async () => {
    const res = await app.http().get('/api/schools?filters[stages][$contains]=primary').set(bearer(users.teacher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'stages', param: 'filters' });
  });

  test('an invalid filter is 400 naming the key', async () => {
    const res = await app.http().get('/api/schools?filters[principalPhone][$eq]=1').set(bearer(users.teacher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'principalPhone', param: 'filters' });
  });

  test.each(['public', 'authenticated'])('%s is refused', async (caller) => {
    const request = app.http().get('/api/schools');
    const res = caller === 'public' ? await request : await request.set(bearer(users.authenticated.jwt));
    expect(res.status).toBe(403);
    expect(res.body.data).toBeNull();
  });
});

describe('GET /api/schools/:documentId', () => {
  test('reads one school', async () => {
    const res = await app.http().get(`/api/schools/${primary.documentId}`).set(bearer(users.teacher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ documentId: primary.documentId, name: '东湖区实验小学', code: primary.code });
  });

  test('unknown documentId is 404', async () => {
    const res = await app.http().get('/api/schools/nope0000000000000000000000').set(bearer(users.teacher.jwt));
    expect(res.status).toBe(404);
  });
});

describe('stages and codes are validated on every write', () => {
  const schools = () => app.strapi.documents('api::school.school');

  test('stages are stored unique and in canonical order', async () => {
    const created = await createSchool(app.strapi, { stages: ['junior_secondary', 'primary', 'primary'] });
    expect(created.stages).toEqual(['primary', 'junior_secondary']);
  });

  test('an unknown stage is refused naming the field, and nothing is stored', async () => {
    const before = await app.strapi.db.query('api::school.school').count();
    await expect(createSchool(app.strapi, { stages: ['kindergarten'] })).rejects.toMatchObject({
      name: 'ValidationError',
      details: { errors: [expect.objectContaining({ path: ['stages'] })] },
    });
    expect(await app.strapi.db.query('api::school.school').count()).toBe(before);
  });

  test('a duplicate school code is refused', async () => {
    await expect(createSchool(app.strapi, { code: primary.code })).rejects.toMatchObject({ name: 'ValidationError' });
  });

  test('a code with spaces or Chinese characters is refused', async () => {
    await expect(schools().create({ data: { name: 'x', code: '东湖 01', city: 'c', district: 'd', stages: ['primary'] } })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  test('no write routes exist in the content API', async () => {
    const res = await app.http().post('/api/schools').set(bearer(users.coordinator.jwt)).send({ data: { name: 'x' } });
    expect(res.status).toBe(405);
  });
});
