import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
let school: { documentId: string; name: string; code: string };
let teacher: TestUser;

beforeAll(async () => {
  app = await startApp();
  school = await createSchool(app.strapi, { name: '青溪市第一中学', stages: ['senior_secondary', 'junior_secondary'] });
  teacher = await createUser(app.strapi, {
    role: 'teacher',
    teacher: { name: '林心怡', schoolDocumentId: school.documentId, positions: ['subject', 'mh_parttime'], phone: '13912345678', staffNumber: 'QX0001' },
  });
});
afterAll(async () => {
  await app?.stop();
});

describe('GET /api/me', () => {
  test("a teacher gets their own profile, school and role, and nothing else", async () => {
    const res = await app.http().get('/api/me').set(bearer(teacher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      documentId: teacher.user.documentId,
      username: teacher.user.username,
      role: { type: 'teacher', name: '教师 Teacher' },
      teacher: {
        id: teacher.teacher!.id,
        documentId: teacher.teacher!.documentId,
        name: '林心怡',
        staffNumber: 'QX0001',
        // Stored in canonical order; a part-time MH post requires the A certificate.
        positions: ['mh_parttime', 'subject'],
        certificateTier: 'A',
        school: {
          id: expect.any(Number),
          documentId: school.documentId,
          name: '青溪市第一中学',
          code: school.code,
          city: '测试市',
          district: '测试区',
          stages: ['junior_secondary', 'senior_secondary'],
        },
      },
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('@test.invalid');
    expect(text).not.toContain('password');
  });

  test.each(['researcher', 'coordinator'] as const)('a %s without a teacher profile gets role and a null profile', async (role) => {
    const staff = await createUser(app.strapi, { role });
    const res = await app.http().get('/api/me').set(bearer(staff.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data.role.type).toBe(role);
    expect(res.body.data.username).toBe(staff.user.username);
    expect(res.body.data.teacher).toBeNull();
  });

  test('without a token it is refused', async () => {
    const res = await app.http().get('/api/me');
    expect(res.status).toBe(403);
    expect(res.body.data).toBeNull();
  });

  test('an account with no product role (Authenticated) is refused', async () => {
    const bare = await createUser(app.strapi, { role: 'authenticated' });
    const res = await app.http().get('/api/me').set(bearer(bare.jwt));
    expect(res.status).toBe(403);
  });

  test('a blocked account is refused', async () => {
    const blocked = await createUser(app.strapi, { role: 'teacher', teacher: {} });
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: blocked.user.id }, data: { blocked: true } });
    const res = await app.http().get('/api/me').set(bearer(blocked.jwt));
    expect(res.status).toBe(401);
    expect(res.body.data).toBeNull();
  });

  test('a token signed with another secret is 401', async () => {
    const forged = require('jsonwebtoken').sign({ id: teacher.user.id }, 'not-the-server-secret');
    const res = await app.http().get('/api/me').set(bearer(forged));
    expect(res.status).toBe(401);
  });
});
