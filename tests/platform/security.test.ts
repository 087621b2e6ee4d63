import { startApp, createUser, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
const users: Record<string, TestUser> = {};
const callers = ['public', 'authenticated', 'teacher', 'researcher', 'coordinator'] as const;
const headersFor = (caller: (typeof callers)[number]) => (caller === 'public' ? {} : bearer(users[caller].jwt));

beforeAll(async () => {
  app = await startApp();
  users.authenticated = await createUser(app.strapi, { role: 'authenticated' });
  users.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['mh_fulltime'] } });
  users.researcher = await createUser(app.strapi, { role: 'researcher' });
  users.coordinator = await createUser(app.strapi, { role: 'coordinator' });
});
afterAll(async () => {
  await app?.stop();
});

test('the suite runs on the database it was asked for, a fresh one per file', async () => {
  const expected = process.env.DATABASE_CLIENT === 'postgres' ? 'postgres' : 'sqlite';
  expect(app.strapi.db.dialect.client).toBe(expected);
  if (expected === 'postgres') {
    const result = await app.strapi.db.connection.raw('select current_database() as name');
    expect(result.rows[0].name).toBe(app.db.name);
  } else {
    expect(app.strapi.db.connection.client.config.connection.filename).toBe(app.db.name);
  }
});

test('GET /_health answers 204', async () => {
  const res = await app.http().get('/_health');
  expect(res.status).toBe(204);
});

describe('the users API is for admins only', () => {
  test.each(callers)('%s is refused GET /api/users, /api/users/:id and /api/users/count', async (caller) => {
    for (const path of ['/api/users', `/api/users/${users.teacher.user.id}`, '/api/users/count']) {
      const res = await app.http().get(path).set(headersFor(caller));
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.body.data).toBeNull();
    }
  });

  test.each(callers)('%s cannot list roles or edit users', async (caller) => {
    const roles = await app.http().get('/api/users-permissions/roles').set(headersFor(caller));
    expect(roles.status).toBe(403);
    const edit = await app.http().put(`/api/users/${users.teacher.user.id}`).set(headersFor(caller)).send({ blocked: true });
    expect(edit.status).toBe(403);
    const stored = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: users.teacher.user.id } });
    expect(stored.blocked).toBe(false);
  });
});

describe('self-registration is off', () => {
  test('POST /api/auth/local/register is refused and creates nobody', async () => {
    const before = await app.strapi.db.query('plugin::users-permissions.user').count();
    const res = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: 'selfsignup', email: 'selfsignup@test.invalid', password: 'Secret-12345' });
    expect(res.status).toBe(403);
    expect(res.body.jwt).toBeUndefined();
    expect(await app.strapi.db.query('plugin::users-permissions.user').count()).toBe(before);
  });

  test('the users-permissions advanced setting allow_register is false', async () => {
    const advanced = await app.strapi.store({ type: 'plugin', name: 'users-permissions' }).get({ key: 'advanced' });
    expect(advanced).toMatchObject({ allow_register: false });
  });
});

describe('the upload API is not granted to end users', () => {
  test.each(callers)('%s cannot list or upload files', async (caller) => {
    const list = await app.http().get('/api/upload/files').set(headersFor(caller));
    expect(list.status).toBe(403);
    const upload = await app
      .http()
      .post('/api/upload')
      .set(headersFor(caller))
      .attach('files', Buffer.from('%PDF-1.4 test'), 'x.pdf');
    expect(upload.status).toBe(403);
  });
});

describe('passwords and contact details are never in a response', () => {
  test('the sign-in response carries the account but no email, password or tokens', async () => {
    const res = await app.http().post('/api/auth/local').send({ identifier: users.teacher.user.username, password: users.teacher.password });
    expect(res.status).toBe(200);
    expect(typeof res.body.jwt).toBe('string');
    expect(res.body.user.username).toBe(users.teacher.user.username);
    const text = JSON.stringify(res.body);
    for (const secret of ['email', '@test.invalid', 'password', 'resetPasswordToken', 'confirmationToken', users.teacher.password]) {
      expect(text).not.toContain(secret);
    }
  });

  test('signing in by email still works though the email is never shown', async () => {
    const res = await app.http().post('/api/auth/local').send({ identifier: `${users.researcher.user.username}@test.invalid`, password: users.researcher.password });
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe(users.researcher.user.username);
    expect(res.body.user.email).toBeUndefined();
  });
});

describe('strict parameters', () => {
  test('an unknown query parameter is refused with 400 naming it', async () => {
    const res = await app.http().get('/api/schools?debug=true').set(bearer(users.researcher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('ValidationError');
    expect(res.body.error.details).toMatchObject({ key: 'debug', source: 'query' });
  });

  test('an invalid token is 401, not a silent public request', async () => {
    const res = await app.http().get('/api/me').set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
  });
});
