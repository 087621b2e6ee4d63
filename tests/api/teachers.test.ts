import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
let east: { documentId: string; code: string };
let west: { documentId: string; code: string };
let mh: TestUser;
let homeroom: TestUser;
let researcher: TestUser;
let coordinator: TestUser;
const PHONE = '13800138000';

beforeAll(async () => {
  app = await startApp();
  east = await createSchool(app.strapi, { district: '东湖区' });
  west = await createSchool(app.strapi, { district: '西山县' });
  mh = await createUser(app.strapi, { role: 'teacher', teacher: { name: '王晓明', schoolDocumentId: east.documentId, positions: ['mh_fulltime'], phone: PHONE, staffNumber: 'A001' } });
  homeroom = await createUser(app.strapi, { role: 'teacher', teacher: { name: '李丽华', schoolDocumentId: west.documentId, positions: ['homeroom', 'subject'], phone: '13900139000', staffNumber: 'A002' } });
  researcher = await createUser(app.strapi, { role: 'researcher' });
  coordinator = await createUser(app.strapi, { role: 'coordinator' });
});
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/teachers', () => {
  test.each(['researcher', 'coordinator'] as const)('a %s lists teachers with their school, without private fields', async (role) => {
    const jwt = role === 'researcher' ? researcher.jwt : coordinator.jwt;
    const res = await app.http().get('/api/teachers?sort=staffNumber:asc').set(bearer(jwt));
    expect(res.status).toBe(200);
    expect(res.body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 2 });
    expect(res.body.data.map((t) => [t.staffNumber, t.name, t.certificateTier, t.school.code])).toEqual([
      ['A001', '王晓明', 'A', east.code],
      ['A002', '李丽华', 'B', west.code],
    ]);
    for (const row of res.body.data) {
      expect(Object.keys(row.school).sort()).toEqual(['city', 'code', 'district', 'documentId', 'id', 'name']);
      expect(row).not.toHaveProperty('phone');
      expect(row).not.toHaveProperty('user');
    }
    expect(JSON.stringify(res.body)).not.toContain(PHONE);
  });

  test('filters by school district through the relation', async () => {
    const res = await app.http().get('/api/teachers?filters[school][district][$eq]=西山县').set(bearer(researcher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data.map((t) => t.name)).toEqual(['李丽华']);
  });

  test('populate is fixed server-side: asking for more of the school gets the same four fields', async () => {
    const res = await app.http().get('/api/teachers?populate[school][populate]=teachers').set(bearer(researcher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data[0].school).not.toHaveProperty('teachers');
    expect(res.body.data[0].school).not.toHaveProperty('studentCount');
  });

  test('the private account relation cannot be populated', async () => {
    const res = await app.http().get('/api/teachers?populate=user').set(bearer(researcher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'user', param: 'populate' });
  });

  test('a private field cannot be probed through a filter', async () => {
    const res = await app.http().get(`/api/teachers?filters[phone][$eq]=${PHONE}`).set(bearer(researcher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'phone', param: 'filters' });
  });

  test('a filter on the positions list is 400, not a database error', async () => {
    const res = await app.http().get('/api/teachers?filters[positions][$contains]=homeroom').set(bearer(researcher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'positions', param: 'filters' });
  });

  test('page size is capped at 100', async () => {
    const res = await app.http().get('/api/teachers?pagination[pageSize]=5000').set(bearer(researcher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.meta.pagination.pageSize).toBe(100);
  });

  test('a teacher cannot list teachers', async () => {
    const res = await app.http().get('/api/teachers').set(bearer(mh.jwt));
    expect(res.status).toBe(403);
    expect(res.body.data).toBeNull();
  });

  test('the public cannot list teachers', async () => {
    const res = await app.http().get('/api/teachers');
    expect(res.status).toBe(403);
  });
});

describe('GET /api/teachers/:documentId', () => {
  test('a coordinator reads one teacher by documentId', async () => {
    const res = await app.http().get(`/api/teachers/${homeroom.teacher!.documentId}`).set(bearer(coordinator.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: '李丽华', staffNumber: 'A002', positions: ['homeroom', 'subject'], certificateTier: 'B' });
    expect(res.body.data).not.toHaveProperty('phone');
  });

  test("a teacher cannot read another teacher's record, private fields or otherwise", async () => {
    const res = await app.http().get(`/api/teachers/${homeroom.teacher!.documentId}`).set(bearer(mh.jwt));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain('13900139000');
  });

  test('an unknown documentId is 404', async () => {
    const res = await app.http().get('/api/teachers/doesnotexist0000000000000').set(bearer(researcher.jwt));
    expect(res.status).toBe(404);
  });
});

describe('no write routes in the content API', () => {
  test.each(['post', 'put', 'delete'] as const)('%s is not routed even for staff', async (method) => {
    const path = method === 'post' ? '/api/teachers' : `/api/teachers/${mh.teacher!.documentId}`;
    const res = await app.http()[method](path).set(bearer(coordinator.jwt)).send({ data: { name: 'x' } });
    expect(res.status).toBe(405);
    const stored = await app.strapi.documents('api::teacher.teacher').findOne({ documentId: mh.teacher!.documentId });
    expect(stored!.name).toBe('王晓明');
  });
});

describe('positions and certificate tier (enforced on every write)', () => {
  const teachers = () => app.strapi.documents('api::teacher.teacher');

  test('the tier is derived from the positions; the highest applies', async () => {
    const created = await teachers().create({ data: { name: '赵德明', staffNumber: 'B001', positions: ['subject', 'moral_education', 'subject'] } });
    expect(created.positions).toEqual(['moral_education', 'subject']);
    expect(created.certificateTier).toBe('B');
    const promoted = await teachers().update({ documentId: created.documentId, data: { positions: ['subject', 'mh_fulltime'] } });
    expect(promoted.certificateTier).toBe('A');
  });

  test('a tier sent by a client is ignored', async () => {
    const created = await teachers().create({ data: { name: '孙雨桐', staffNumber: 'B002', positions: ['subject'], certificateTier: 'A' } });
    expect(created.certificateTier).toBe('C');
    const updated = await teachers().update({ documentId: created.documentId, data: { certificateTier: 'A', name: '孙雨桐' } });
    expect(updated.certificateTier).toBe('C');
  });

  test.each([
    [['principal'], /unknown value\(s\) "principal"/],
    [[], /at least 1/],
    ['homeroom', /must be an array/],
    [undefined, /must be an array/],
  ])('positions %j are refused with a ValidationError naming the field, and nothing is stored', async (positions, message) => {
    const before = await app.strapi.db.query('api::teacher.teacher').count();
    await expect(teachers().create({ data: { name: '错误', staffNumber: `BAD${before}`, positions } })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(message),
      details: { errors: [expect.objectContaining({ path: ['positions'] })] },
    });
    expect(await app.strapi.db.query('api::teacher.teacher').count()).toBe(before);
  });

  test('a duplicate staff number is refused', async () => {
    await expect(teachers().create({ data: { name: '重复', staffNumber: 'A001', positions: ['subject'] } })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});
