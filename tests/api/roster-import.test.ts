import fs from 'fs';
import os from 'os';
import path from 'path';
import iconv from 'iconv-lite';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
const u: Record<string, TestUser> = {};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-'));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const upload = (file: string, qs = '', who = 'coordinator') => app.http().post(`/api/teachers/import${qs}`).set(bearer(u[who].jwt)).attach('file', file);
const teachers = () => app.strapi.db.query('api::teacher.teacher').count();

beforeAll(async () => {
  app = await startApp();
  await createSchool(app.strapi, { code: 'QX-DH-001', name: '东湖区实验小学' });
  await createSchool(app.strapi, { code: 'QX-XS-002', name: '西山县民族中学' });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { staffNumber: 'R0009', name: '旧名字', positions: ['subject'] } });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.stop();
});

const ROSTER = ['工号,姓名,学校代码,岗位,手机', 'R0001,王小明,QX-DH-001,专任教师、班主任,13800138000', 'R0002,李心怡,QX-XS-002,专职心理教师,', 'R0009,周新名,QX-DH-001,德育管理者,'].join('\n');

test('a dry run says what would change and changes nothing', async () => {
  const before = await teachers();
  const res = await upload(write('dry.csv', iconv.encode(ROSTER, 'gbk')), '?dryRun=true');
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ dryRun: true, rows: 3, created: 2, updated: 1, unchanged: 0, errorCount: 0, errors: [], activations: [] });
  expect(await teachers()).toBe(before);
});

test('new teachers get accounts without passwords and a one-time activation code; existing ones are updated by staff number', async () => {
  const res = await upload(write('roster.csv', iconv.encode(ROSTER, 'gbk')));
  expect(res.status).toBe(201);
  expect(res.body.data).toMatchObject({ rows: 3, created: 2, updated: 1, unchanged: 0, errorCount: 0 });
  expect(res.body.data.activations.map((a) => [a.staffNumber, a.username])).toEqual([['R0001', 'tr0001'], ['R0002', 'tr0002']]);
  const codes = res.body.data.activations.map((a) => a.activationCode);
  expect(new Set(codes).size).toBe(2);
  for (const code of codes) expect(code).toMatch(/^[0-9a-f]{48}$/);

  const wang = await app.strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber: 'R0001' }, populate: { school: true, user: { populate: ['role'] } } });
  expect([wang.name, wang.school.code, wang.positions, wang.certificateTier, wang.phone, wang.user.role.type, wang.user.password]).toEqual(['王小明', 'QX-DH-001', ['homeroom', 'subject'], 'B', '13800138000', 'teacher', null]);
  const zhou = await app.strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber: 'R0009' } });
  expect([zhou.name, zhou.positions]).toEqual(['周新名', ['moral_education']]);

  // Without a password nobody can sign in; the activation code sets one, once.
  expect((await app.http().post('/api/auth/local').send({ identifier: 'tr0001', password: 'anything-1' })).status).toBe(400);
  const activate = await app.http().post('/api/auth/reset-password').send({ code: codes[0], password: 'Xinyu-activated-1', passwordConfirmation: 'Xinyu-activated-1' });
  expect(activate.status).toBe(200);
  expect(typeof activate.body.jwt).toBe('string');
  const me = await app.http().get('/api/me').set(bearer(activate.body.jwt));
  expect(me.body.data.teacher).toMatchObject({ staffNumber: 'R0001', positions: ['homeroom', 'subject'] });
  const again = await app.http().post('/api/auth/reset-password').send({ code: codes[0], password: 'Other-pass-2', passwordConfirmation: 'Other-pass-2' });
  expect(again.status).toBe(400);
});

test('importing the same roster again changes nothing', async () => {
  const res = await upload(write('again.csv', ROSTER));
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({ created: 0, updated: 0, unchanged: 3, activations: [] });
});

test('bad rows are reported by row and column and nothing is stored', async () => {
  const before = await teachers();
  const bad = ['工号,姓名,学校代码,岗位,手机,邮箱', 'R0101,甲,QX-DH-001,专任教师,,', 'R 0102,乙,QX-DH-001,专任教师,,', 'R0103,,QX-DH-001,专任教师,,', 'R0104,丙,QX-NOPE,专任教师,,', 'R0105,丁,QX-DH-001,校长,,', 'R0106,戊,QX-DH-001,专任教师,12345,', 'R0107,己,QX-DH-001,专任教师,,not-an-email', 'R0101,庚,QX-DH-001,专任教师,,'].join('\n');
  const res = await upload(write('bad.csv', bad));
  expect(res.status).toBe(400);
  expect(res.body.error.details.errors.map((e) => [e.row, e.column])).toEqual([[3, 'staffNumber'], [4, 'name'], [5, 'schoolCode'], [6, 'positions'], [7, 'phone'], [8, 'email'], [9, 'staffNumber']]);
  expect(await teachers()).toBe(before);
});

test('only coordinators import rosters', async () => {
  const file = write('t.csv', ROSTER);
  // The import above changed this teacher's positions, which ended their earlier tokens (401): sign in again.
  expect((await upload(file, '', 'teacher')).status).toBe(401);
  u.teacher.jwt = app.strapi.plugin('users-permissions').service('jwt').issue({ id: u.teacher.user.id });
  expect((await upload(file, '', 'teacher')).status).toBe(403);
  expect((await app.http().post('/api/teachers/import').attach('file', file)).status).toBe(403);
  expect((await app.http().post('/api/teachers/import').set(bearer(u.coordinator.jwt))).status).toBe(400);
});
