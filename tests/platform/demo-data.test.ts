import fs from 'fs';
import { startApp, type TestApp } from '../helpers/strapi';
import { adminSession } from '../helpers/admin';
import { requiredCertificateTier, TEACHER_POSITIONS, type TeacherPosition } from '../../src/platform/teacher-positions';
import { SCHOOL_STAGES } from '../../src/platform/school-stages';

interface Account {
  username: string;
  password: string;
  role: string;
  positions: string[];
  panel?: 'admin';
  email?: string;
  scope?: Record<string, unknown> | null;
}

let app: TestApp;
let accounts: Account[];
/** The REST accounts (teachers, and coordinators and researchers of the content API); admin-panel staff have `panel`. */
const restAccounts = () => accounts.filter((a) => a.panel !== 'admin');
const accountsFile = () => process.env.DEMO_ACCOUNTS_FILE as string;
// Sign-in is rate-limited (10 a minute per client), so tests that are not about signing in use a token.
const researcherJwt = async () => {
  const user = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'demo-researcher' } });
  return app.strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
};

beforeAll(async () => {
  app = await startApp({ demo: true });
  accounts = JSON.parse(fs.readFileSync(accountsFile(), 'utf8'));
});
afterAll(async () => {
  fs.rmSync(accountsFile(), { force: true });
  await app?.stop();
});

describe('demo content on an empty database', () => {
  test('one city, two districts, at least 6 schools covering every stage', async () => {
    const schools = await app.strapi.db.query('api::school.school').findMany({});
    expect(schools.length).toBeGreaterThanOrEqual(6);
    expect(new Set(schools.map((s) => s.city))).toEqual(new Set(['青溪市']));
    expect(new Set(schools.map((s) => s.district))).toEqual(new Set(['东湖区', '西山县']));
    expect(new Set(schools.flatMap((s) => s.stages))).toEqual(new Set(SCHOOL_STAGES));
  });

  test('at least 40 teachers across every position, each with the tier its positions require', async () => {
    const teachers = await app.strapi.db.query('api::teacher.teacher').findMany({ populate: ['school', 'user'] });
    expect(teachers.length).toBeGreaterThanOrEqual(40);
    expect(new Set(teachers.flatMap((t) => t.positions))).toEqual(new Set(TEACHER_POSITIONS));
    for (const teacher of teachers) {
      expect(teacher.certificateTier).toBe(requiredCertificateTier(teacher.positions as TeacherPosition[]));
      expect(teacher.school).not.toBeNull();
      expect(teacher.user).not.toBeNull();
    }
  });

  test('at least 30 lesson plans, 10 scripts and 10 cases, published, across every grade band and theme', async () => {
    const published = async (uid: string) =>
      app.strapi.documents(uid as any).findMany({ status: 'published', populate: ['themes'] as any, limit: 1000 });
    const plans = await published('api::lesson-plan.lesson-plan');
    const scripts = await published('api::psychodrama-script.psychodrama-script');
    const cases = await published('api::counseling-case.counseling-case');
    expect(plans.length).toBeGreaterThanOrEqual(30);
    expect(scripts.length).toBeGreaterThanOrEqual(10);
    expect(cases.length).toBeGreaterThanOrEqual(10);
    const bands = ['lower_primary', 'upper_primary', 'junior_secondary', 'senior_secondary', 'vocational'];
    for (const docs of [plans, scripts, cases]) expect(new Set(docs.map((d: any) => d.gradeBand))).toEqual(new Set(bands));
    const themeSlugs = (await app.strapi.db.query('api::theme.theme').findMany({})).map((t) => t.slug);
    expect(themeSlugs.length).toBeGreaterThanOrEqual(12);
    expect(new Set(plans.flatMap((p: any) => p.themes.map((t) => t.slug)))).toEqual(new Set(themeSlugs));
    for (const plan of plans as any[]) expect(plan.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test('demo content is searchable in Chinese as soon as it is loaded', async () => {
    const res = await app.http().get(`/api/search?q=${encodeURIComponent('情绪')}&pageSize=100`).set('Authorization', `Bearer ${await researcherJwt()}`);
    expect(res.status).toBe(200);
    expect(res.body.meta.pagination.total).toBeGreaterThanOrEqual(5);
    expect(new Set(res.body.data.map((hit) => hit.type))).toEqual(new Set(['lesson-plan', 'psychodrama-script', 'counseling-case']));
  });

  test('a finalised 2025 round filled the lesson library; a 2026 psychodrama round is open', async () => {
    const progress = await app.http().get('/api/libraries/progress').set('Authorization', `Bearer ${await researcherJwt()}`);
    const lessons = progress.body.data.find((l) => l.key === 'demonstration-lessons');
    expect(lessons).toMatchObject({ target: 100, selected: 8, remaining: 92, byYear: { '2025': 8 } });
    const rounds = await app.strapi.db.query('api::selection-round.selection-round' as any).findMany({ orderBy: { year: 'asc' } });
    expect(rounds.map((r) => [r.year, r.status])).toEqual([[2025, 'finalised'], [2026, 'open']]);
    const entries = await app.strapi.db.query('api::library-entry.library-entry' as any).findMany({ orderBy: { rank: 'asc' } });
    expect(entries.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const scores = entries.map((e) => Number(e.score));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  test('the open 2026 round has submissions waiting for reviewers, and teachers\' drafts await review', async () => {
    const open = await app.strapi.db.query('api::selection-round.selection-round' as any).findOne({ where: { status: 'open' } });
    expect(await app.strapi.db.query('api::submission.submission' as any).count({ where: { round: { id: open.id }, status: 'submitted' } })).toBe(5);
    expect(await app.strapi.db.query('api::review.review' as any).count({ where: { submission: { round: { id: open.id } } } })).toBe(2);
    const res = await app.http().get('/xinyu/drafts').set((await adminSession(app)).headers);
    expect(res.body.data.map((d: { type: string; author: { name: string } }) => [d.type, d.author.name])).toEqual([['counseling-case', '林心怡'], ['psychodrama-script', '孙雨桐'], ['lesson-plan', '李春晖']]);
  });

  test("the demo MH teacher's transcript meets the A requirement and her certificate verifies publicly", async () => {
    const mh = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { username: 'demo-mh-teacher' } });
    const jwt = app.strapi.plugin('users-permissions').service('jwt').issue({ id: mh.id });
    const transcript = (await app.http().get('/api/me/transcript?schoolYear=2025-2026').set('Authorization', `Bearer ${jwt}`)).body.data;
    expect([transcript.approvedHours, transcript.requirement.minHours, transcript.met]).toEqual([20, 20, true]);
    expect(transcript.byCourse.map((c) => c.code)).toEqual(['QX-A-2025-01']);
    expect(transcript.certificates.map((c) => [c.tier, c.status])).toEqual([['A', 'valid']]);
    const certificate = await app.strapi.db.query('api::certificate.certificate' as any).findOne({});
    const verify = await app.http().get(`/api/certificates/verify/${certificate.verificationCode}`);
    expect(verify.body.data).toMatchObject({ valid: true, tier: 'A', holder: '林*怡', approvedHours: 20 });
    const pending = await app.strapi.db.query('api::credit-record.credit-record' as any).count({ where: { status: 'pending' } });
    expect(pending).toBe(1);
  });

  test('the accounts file lists researcher, coordinator and MH, homeroom and subject teachers with strong random passwords', () => {
    expect((fs.statSync(accountsFile()).mode & 0o777).toString(8)).toBe('600');
    for (const account of restAccounts()) {
      const staff = account.role === 'researcher' || account.role === 'coordinator';
      expect(Object.keys(account).sort()).toEqual(staff ? ['password', 'positions', 'role', 'scope', 'username'] : ['password', 'positions', 'role', 'username']);
      expect(account.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    expect(new Set(accounts.map((a) => a.password)).size).toBe(accounts.length);
    const roles = restAccounts().map((a) => a.role);
    expect(roles).toEqual(expect.arrayContaining(['researcher', 'coordinator', 'teacher']));
    const teacherPositions = restAccounts().filter((a) => a.role === 'teacher').map((a) => a.positions);
    for (const position of ['mh_fulltime', 'homeroom', 'subject']) {
      expect(teacherPositions.some((positions) => positions.includes(position))).toBe(true);
    }
    expect(teacherPositions).toContainEqual(['subject']);
  });

  test('admin-panel staff: a super admin and one account per role and level, each with its email and scope', async () => {
    const staff = accounts.filter((a) => a.panel === 'admin');
    expect(staff.map((a) => [a.role, a.scope])).toEqual([
      ['strapi-super-admin', null],
      ['xinyu-researcher', { level: 'city' }],
      ['xinyu-coordinator', { level: 'city' }],
      ['xinyu-coordinator', { level: 'district', district: '东湖区' }],
      ['xinyu-coordinator', { level: 'district', district: '西山县' }],
      ['xinyu-school-lead', { level: 'school', schoolCode: 'QX-DH-001' }],
      ['xinyu-reviewer', { level: 'city' }],
    ]);
    for (const account of staff) {
      expect(account.email).toMatch(/@demo\.xinyu\.invalid$/);
      expect(account.password).toMatch(/^Xy7-[A-Za-z0-9_-]{16}$/);
      const login = await app.http().post('/admin/login').send({ email: account.email, password: account.password });
      expect([account.email, login.status]).toEqual([account.email, 200]);
      const me = await app.http().get('/admin/users/me').set('Authorization', `Bearer ${login.body.data.token}`);
      expect(me.body.data.roles.map((r: { code: string }) => r.code)).toEqual([account.role]);
    }
    // The district coordinator's Content Manager shows the teachers of 东湖区 only.
    const donghu = staff.find((a) => a.email?.startsWith('coordinator.donghu'))!;
    const token = (await app.http().post('/admin/login').send({ email: donghu.email, password: donghu.password })).body.data.token;
    const teachers = await app.http().get('/content-manager/collection-types/api::teacher.teacher?pageSize=100&populate[school][fields][0]=district').set('Authorization', `Bearer ${token}`);
    expect(teachers.status).toBe(200);
    expect(teachers.body.results.length).toBeGreaterThan(0);
    const schools = await app.strapi.db.query('api::school.school').findMany({ where: { district: '东湖区' }, select: ['id'] });
    const donghuTeachers = await app.strapi.db.query('api::teacher.teacher').count({ where: { school: { id: { $in: schools.map((s: { id: number }) => s.id) } } } });
    expect(teachers.body.pagination.total).toBe(donghuTeachers);
  });

  test('every demo account signs in with its password and /api/me shows its role', async () => {
    for (const account of restAccounts()) {
      const login = await app.http().post('/api/auth/local').send({ identifier: account.username, password: account.password });
      expect(login.status).toBe(200);
      expect(login.body.user.username).toBe(account.username);
      expect(login.body.user).not.toHaveProperty('email');
      expect(login.body.user).not.toHaveProperty('password');

      const me = await app.http().get('/api/me').set('Authorization', `Bearer ${login.body.jwt}`);
      expect(me.status).toBe(200);
      expect(me.body.data.role.type).toBe(account.role);
      if (account.role === 'teacher') {
        expect(me.body.data.teacher.positions).toEqual(account.positions);
        expect(me.body.data.teacher.school.city).toBe('青溪市');
      } else {
        expect(me.body.data.teacher).toBeNull();
      }
    }
  });

  test('a wrong password is refused', async () => {
    const res = await app.http().post('/api/auth/local').send({ identifier: accounts[0].username, password: 'wrong-password' });
    expect(res.status).toBe(400);
    expect(res.body.jwt).toBeUndefined();
    expect(res.body.error.message).toBe('Invalid identifier or password');
  });

  test('a teacher account without a password (not yet activated) cannot sign in', async () => {
    const inactive = await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { password: null } });
    expect(inactive).not.toBeNull();
    const res = await app.http().post('/api/auth/local').send({ identifier: inactive.username, password: 'anything-at-all' });
    expect(res.status).toBe(400);
  });

  test('restarting on the same database loads nothing twice and keeps the passwords', async () => {
    const before = await Promise.all(
      ['api::lesson-plan.lesson-plan', 'api::school.school', 'api::teacher.teacher', 'plugin::users-permissions.user'].map((uid) => app.strapi.db.query(uid).count())
    );
    const fileBefore = fs.readFileSync(accountsFile(), 'utf8');
    await app.restart();
    const after = await Promise.all(
      ['api::lesson-plan.lesson-plan', 'api::school.school', 'api::teacher.teacher', 'plugin::users-permissions.user'].map((uid) => app.strapi.db.query(uid).count())
    );
    expect(after).toEqual(before);
    expect(fs.readFileSync(accountsFile(), 'utf8')).toBe(fileBefore);
  });
});
