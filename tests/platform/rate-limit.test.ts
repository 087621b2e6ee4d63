import { startApp, createUser, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
let teacher: TestUser;

beforeAll(async () => {
  app = await startApp();
  teacher = await createUser(app.strapi, { role: 'teacher', teacher: {} });
});
afterAll(async () => {
  await app?.stop();
});

test('sign-in is limited to 10 attempts a minute per client; the 11th is 429 even with the right password', async () => {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const res = await app.http().post('/api/auth/local').send({ identifier: teacher.user.username, password: `guess-${attempt}` });
    statuses.push(res.status);
  }
  expect(statuses).toEqual(Array(10).fill(400));

  const blocked = await app.http().post('/api/auth/local').send({ identifier: teacher.user.username, password: teacher.password });
  expect(blocked.status).toBe(429);
  expect(blocked.body.jwt).toBeUndefined();
  expect(blocked.body.error.name).toBe('RateLimitError');
});

test('changing identifiers does not buy more attempts', async () => {
  const res = await app.http().post('/api/auth/local').send({ identifier: 'someone-else', password: 'x', email: 'other@test.invalid' });
  expect(res.status).toBe(429);
});
