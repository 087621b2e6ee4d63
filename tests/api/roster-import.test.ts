import fs from 'fs';
import os from 'os';
import path from 'path';
import iconv from 'iconv-lite';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
const u: Record<string, TestUser> = {};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-'));
// The development/test email provider writes every message here (config/plugins.ts, src/shared/email-outbox.ts).
const outbox = path.join(dir, 'outbox');
process.env.EMAIL_OUTBOX_DIR = outbox;
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const upload = (file: string, qs = '', who = 'coordinator') => app.http().post(`/api/teachers/import${qs}`).set(bearer(u[who].jwt)).attach('file', file);
const teachers = () => app.strapi.db.query('api::teacher.teacher').count();
const mail = (to: string) =>
  (fs.existsSync(outbox) ? fs.readdirSync(outbox) : [])
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(outbox, f), 'utf8')))
    .filter((m) => m.to === to);
const codeIn = (message: { text: string }) => message.text.match(/[0-9a-f]{48}/)![0];
const activate = (code: string, password = 'Xinyu-activated-1') => app.http().post('/api/auth/reset-password').send({ code, password, passwordConfirmation: password });
const cases = (jwt: string) => app.http().get('/api/counseling-cases').set(bearer(jwt));
// An import that changes a teacher's positions ends their earlier tokens; these calls sign in afresh.
const signIn = (who: TestUser) => app.strapi.plugin('users-permissions').service('jwt').issue({ id: who.user.id });
const confirm = (documentId: string, who = 'researcher') => app.http().post(`/api/teachers/${documentId}/confirm-mh-post`).set(bearer(u[who].jwt));
const teacherId = async (staffNumber: string) => (await app.strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber } })).documentId;

beforeAll(async () => {
  app = await startApp();
  await createSchool(app.strapi, { code: 'QX-DH-001', name: '东湖区实验小学' });
  await createSchool(app.strapi, { code: 'QX-XS-002', name: '西山县民族中学' });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.researcher = await createUser(app.strapi, { role: 'researcher' });
  u.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { staffNumber: 'R0009', name: '旧名字', positions: ['subject'] } });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.stop();
});

const WANG = 'wang.xm@qx-dh.edu.cn';
const LI = 'li.xy@qx-xs.edu.cn';
const ROSTER = ['工号,姓名,学校代码,岗位,手机,邮箱', `R0001,王小明,QX-DH-001,专任教师、班主任,13800138000,${WANG}`, `R0002,李心怡,QX-XS-002,专职心理教师,,${LI}`, 'R0003,赵无邮,QX-DH-001,专任教师,,', 'R0009,周新名,QX-DH-001,德育管理者,,'].join('\n');

test('a dry run says what would change and changes nothing', async () => {
  const before = await teachers();
  const res = await upload(write('dry.csv', iconv.encode(ROSTER, 'gbk')), '?dryRun=true');
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({ dryRun: true, rows: 4, created: 3, updated: 1, unchanged: 0, errorCount: 0, errors: [], activations: [], mhPostsPending: ['R0002'] });
  expect(await teachers()).toBe(before);
  expect(mail(WANG)).toEqual([]);
});

test('new teachers get accounts without passwords; the one-time activation code goes to their email, never to the importer', async () => {
  const res = await upload(write('roster.csv', iconv.encode(ROSTER, 'gbk')));
  expect(res.status).toBe(201);
  expect(res.body.data).toMatchObject({ rows: 4, created: 3, updated: 1, unchanged: 0, errorCount: 0, mhPostsPending: ['R0002'] });
  expect(res.body.data.activations).toEqual([
    { row: 2, staffNumber: 'R0001', username: 'tr0001', delivery: 'queued' },
    { row: 3, staffNumber: 'R0002', username: 'tr0002', delivery: 'queued' },
    { row: 4, staffNumber: 'R0003', username: 'tr0003', delivery: 'no_email' },
  ]);

  // Each teacher got exactly one message holding their own code; the importer's answer holds no code at all.
  const [toWang] = mail(WANG);
  const [toLi] = mail(LI);
  expect([mail(WANG).length, mail(LI).length]).toEqual([1, 1]);
  expect(toWang.text).toContain('tr0001');
  const codes = [codeIn(toWang), codeIn(toLi)];
  expect(new Set(codes).size).toBe(2);
  const body = JSON.stringify(res.body);
  for (const code of codes) expect(body).not.toContain(code);
  expect(body).not.toMatch(/[0-9a-f]{32,}/);
  expect(body).not.toMatch(/activationCode|resetPasswordToken|"code"/);
  const stored = await app.strapi.db.query('plugin::users-permissions.user').findMany({ where: { username: { $in: ['tr0001', 'tr0002', 'tr0003'] } }, orderBy: { username: 'asc' } });
  expect(stored.map((user) => user.resetPasswordToken)).toEqual([codes[0], codes[1], null]);

  const wang = await app.strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber: 'R0001' }, populate: { school: true, user: { populate: ['role'] } } });
  expect([wang.name, wang.school.code, wang.positions, wang.certificateTier, wang.phone, wang.user.role.type, wang.user.password, wang.user.email]).toEqual(['王小明', 'QX-DH-001', ['homeroom', 'subject'], 'B', '13800138000', 'teacher', null, WANG]);
  const zhou = await app.strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber: 'R0009' } });
  expect([zhou.name, zhou.positions]).toEqual(['周新名', ['moral_education']]);

  // Without a password nobody can sign in; the mailed code sets one, once.
  expect((await app.http().post('/api/auth/local').send({ identifier: 'tr0001', password: 'anything-1' })).status).toBe(400);
  const activated = await activate(codes[0]);
  expect(activated.status).toBe(200);
  expect(typeof activated.body.jwt).toBe('string');
  const me = await app.http().get('/api/me').set(bearer(activated.body.jwt));
  expect(me.body.data.teacher).toMatchObject({ staffNumber: 'R0001', positions: ['homeroom', 'subject'] });
  expect((await activate(codes[0], 'Other-pass-2')).status).toBe(400);
});

test('a new mental-health teacher reads counselling cases only after a researcher confirms the post', async () => {
  const [toLi] = mail(LI);
  const activated = await activate(codeIn(toLi), 'Xinyu-mh-teacher-1');
  expect(activated.status).toBe(200);
  expect((await cases(activated.body.jwt)).status).toBe(403);

  const pending = await app.http().get('/api/teachers?filters[mhPostPending][$eq]=true').set(bearer(u.researcher.jwt));
  expect(pending.status).toBe(200);
  expect(pending.body.data.map((t) => t.staffNumber)).toEqual(['R0002']);
  expect(pending.body.data[0]).not.toHaveProperty('mhPostConfirmedAt');

  // Neither the importing coordinator nor the teacher confirms; a researcher does.
  const li = await teacherId('R0002');
  expect((await confirm(li, 'coordinator')).status).toBe(403);
  expect((await app.http().post(`/api/teachers/${li}/confirm-mh-post`).set(bearer(activated.body.jwt))).status).toBe(403);
  expect((await confirm(li)).status).toBe(200);
  expect((await cases(activated.body.jwt)).status).toBe(200);
  const audited = await app.strapi.db.query('api::audit-event.audit-event').findMany({ where: { action: 'confirm-mh-post', entityDocumentId: li } });
  expect(audited.map((e) => e.actorUsername)).toEqual([u.researcher.user.username]);
});

test('an existing teacher given a mental-health post by the import waits for a researcher', async () => {
  expect((await cases(signIn(u.teacher))).status).toBe(403);
  const roster = ['工号,姓名,学校代码,岗位', 'R0009,周新名,QX-DH-001,兼职心理教师、德育管理者'].join('\n');
  const res = await upload(write('mh.csv', roster));
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({ updated: 1, activations: [], mhPostsPending: ['R0009'] });
  expect((await cases(signIn(u.teacher))).status).toBe(403);
  expect((await confirm(u.teacher.teacher!.documentId)).status).toBe(200);
  expect((await cases(signIn(u.teacher))).status).toBe(200);
  // Put back for the tests below.
  await upload(write('back.csv', ['工号,姓名,学校代码,岗位', 'R0009,周新名,QX-DH-001,德育管理者'].join('\n')));
  expect((await cases(signIn(u.teacher))).status).toBe(403);
});

test('coordinators re-issue an activation code by email; the answer is the delivery status only', async () => {
  const resend = (staffNumber: string, who = 'coordinator') => teacherId(staffNumber).then((id) => app.http().post(`/api/teachers/${id}/resend-activation`).set(bearer(signIn(u[who]))));
  const [old] = mail(LI);
  const liUser = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'tr0002' } });
  // Already activated: nothing to re-issue.
  expect((await resend('R0002')).status).toBe(409);
  // Not yet activated, without an email: the code stays unknown to everyone.
  const noEmail = await resend('R0003');
  expect(noEmail.status).toBe(200);
  expect(noEmail.body.data).toEqual({ staffNumber: 'R0003', delivery: 'no_email' });

  // Not yet activated, with an email: a fresh code by mail, the previous one stops working.
  await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: liUser.id }, data: { password: null, resetPasswordToken: codeIn(old) } });
  const again = await resend('R0002');
  expect(again.status).toBe(200);
  expect(again.body.data).toEqual({ staffNumber: 'R0002', delivery: 'queued' });
  expect(JSON.stringify(again.body)).not.toMatch(/[0-9a-f]{32,}/);
  const fresh = mail(LI).at(-1)!;
  expect(codeIn(fresh)).not.toBe(codeIn(old));
  expect((await activate(codeIn(old), 'Xinyu-mh-teacher-2')).status).toBe(400);
  expect((await activate(codeIn(fresh), 'Xinyu-mh-teacher-2')).status).toBe(200);
  expect((await resend('R0001', 'teacher')).status).toBe(403);
  expect((await resend('R0001', 'researcher')).status).toBe(403);
});

test('importing the same roster again changes nothing', async () => {
  const res = await upload(write('again.csv', ROSTER));
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({ created: 0, updated: 0, unchanged: 4, activations: [] });
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
