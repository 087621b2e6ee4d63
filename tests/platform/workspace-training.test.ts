import fs from 'fs';
import os from 'os';
import path from 'path';
import { randomBytes } from 'crypto';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { staffSession } from '../helpers/admin';
import { raceSame, tally } from '../helpers/race';

/*
 * Issue 15 item 3 (coordinators): the training workspace's admin routes — import wizard, course rosters with
 * bulk enrolment and completion, certificates — call the REST services within the panel user's scope. Out of
 * scope is unknown, roles without the action are refused, bad input names its field or row, nothing is
 * half-written, and concurrent identical commits decide once.
 */
const asFixture = <T>(run: () => Promise<T>): Promise<T> => require('../../dist/src/shared/decision').asDecision('fixture', run);
const COURSE_UID = 'api::training-course.training-course';
const ENROLMENT_UID = 'api::enrolment.enrolment';
const CREDIT_UID = 'api::credit-record.credit-record';
const CERT_UID = 'api::certificate.certificate';
const TEACHER_UID = 'api::teacher.teacher';

let app: TestApp;
const u: Record<string, TestUser> = {};
const staff: Record<string, { headers: { Authorization: string }; email: string }> = {};
const school: Record<string, { documentId: string; code: string }> = {};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-training-'));
const tag = randomBytes(2).toString('hex').toUpperCase();

const teacherId = (who: string) => u[who].teacher!.documentId;
const file = (name: string, lines: string[]) => {
  const target = path.join(tmp, name);
  fs.writeFileSync(target, lines.join('\n'));
  return target;
};
const get = (who: string | null, url: string) => {
  const req = app.http().get(url);
  return who ? req.set(staff[who].headers) : req;
};
const post = (who: string | null, url: string, data?: Record<string, unknown>) => {
  const req = app.http().post(url);
  return (who ? req.set(staff[who].headers) : req).send(data === undefined ? {} : { data });
};
const upload = (who: string | null, url: string, target: string) => {
  const req = app.http().post(url);
  return (who ? req.set(staff[who].headers) : req).attach('file', target);
};

async function course(overrides: Record<string, unknown> = {}) {
  const created = await app.strapi.documents(COURSE_UID).create({
    data: {
      title: '全员心理健康知识网络研修', code: `WT-${tag}-${randomBytes(3).toString('hex')}`, tier: 'C', audiencePositions: ['subject', 'homeroom', 'mh_fulltime', 'mh_parttime', 'moral_education'],
      level: 'city', mode: 'online', creditHours: 8, modules: [{ title: '全程', hours: 8 }], schoolYear: '2025-2026', startDate: '2025-10-01', endDate: '2025-12-20', capacity: 50, courseStatus: 'open', ...overrides,
    } as never,
  });
  return created.documentId as string;
}
const enrolledOn = (courseId: string) => app.strapi.db.query(ENROLMENT_UID).count({ where: { course: { documentId: courseId } } });
const seats = async (courseId: string) => (await app.strapi.db.query(COURSE_UID).findOne({ where: { documentId: courseId } })).enrolledCount as number;

beforeAll(async () => {
  app = await startApp();
  school.e1 = await createSchool(app.strapi, { code: `WT-E1-${tag}`, name: '东湖培训一小', district: '东湖区' });
  school.e2 = await createSchool(app.strapi, { code: `WT-E2-${tag}`, name: '东湖培训二中', district: '东湖区' });
  school.w1 = await createSchool(app.strapi, { code: `WT-W1-${tag}`, name: '西山培训一中', district: '西山县' });
  u.tE1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '东湖甲老师', schoolDocumentId: school.e1.documentId, positions: ['mh_parttime', 'homeroom'], staffNumber: `WT-E1-${tag}` } });
  u.tE2 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '东湖乙老师', schoolDocumentId: school.e2.documentId, positions: ['subject'], staffNumber: `WT-E2-${tag}` } });
  u.tE3 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '东湖丙老师', schoolDocumentId: school.e1.documentId, positions: ['subject'], staffNumber: `WT-E3-${tag}` } });
  u.tW1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '西山甲老师', schoolDocumentId: school.w1.documentId, positions: ['mh_fulltime'], staffNumber: `WT-W1-${tag}` } });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  staff.city = await staffSession(app, 'xinyu-coordinator', { level: 'city' });
  staff.east = await staffSession(app, 'xinyu-coordinator', { level: 'district', district: '东湖区' });
  staff.lead = await staffSession(app, 'xinyu-school-lead', { level: 'school', school: school.e1.documentId });
  staff.researcher = await staffSession(app, 'xinyu-researcher', { level: 'city' });
  staff.reviewer = await staffSession(app, 'xinyu-reviewer', { level: 'city' });
  staff.unscoped = await staffSession(app, 'xinyu-coordinator', null);
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await app?.stop();
});

describe('who may call the training workspace', () => {
  const reads = ['/xinyu/courses', '/xinyu/certificates'];
  const writes: [string, string][] = [
    ['POST', '/xinyu/imports/roster?dryRun=true'],
    ['POST', '/xinyu/imports/attendance?dryRun=true'],
    ['POST', '/xinyu/courses/x/enrolments'],
    ['POST', '/xinyu/courses/x/completions'],
    ['GET', '/xinyu/teachers'],
    ['GET', '/xinyu/certificates/eligibility?teacher=x&tier=C&schoolYear=2025-2026'],
    ['POST', '/xinyu/certificates'],
    ['POST', '/xinyu/certificates/x/revoke'],
  ];
  const call = (who: string | null, method: string, url: string) => (method === 'GET' ? get(who, url) : post(who, url, {}));

  test('unauthenticated: 401 everywhere', async () => {
    for (const url of [...reads, '/xinyu/courses/x/enrolments', '/xinyu/certificates/x/pdf']) expect([url, (await get(null, url)).status]).toEqual([url, 401]);
    for (const [method, url] of writes) expect([url, (await call(null, method, url)).status]).toEqual([url, 401]);
  });

  test('researcher and reviewer: 403 everywhere; school lead reads rosters and certificates but changes nothing; no scope: 403', async () => {
    for (const who of ['researcher', 'reviewer']) {
      for (const url of reads) expect([who, url, (await get(who, url)).status]).toEqual([who, url, 403]);
      for (const [method, url] of writes) expect([who, url, (await call(who, method, url)).status]).toEqual([who, url, 403]);
    }
    for (const url of reads) expect([url, (await get('lead', url)).status]).toEqual([url, 200]);
    for (const [method, url] of writes) expect([url, (await call('lead', method, url)).status]).toEqual([url, 403]);
    expect((await get('unscoped', '/xinyu/courses')).status).toBe(403);
  });
});

describe('import wizard', () => {
  test('roster: the dry run lists every row error and writes nothing; the commit of a bad file is 400 with the same rows', async () => {
    const bad = file('roster-bad.csv', [
      '工号,姓名,学校代码,岗位,邮箱',
      `WT-N1-${tag},新东一,${school.e1.code},专任教师,new1@test.invalid`,
      `WT-N2-${tag},,${school.e1.code},班主任,`,
      `WT-N3-${tag},新西三,${school.w1.code},专任教师,`,
      `WT-N4-${tag},新东四,NOPE-${tag},校长,`,
    ]);
    const dry = await upload('east', '/xinyu/imports/roster?dryRun=true', bad);
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ dryRun: true, rows: 4, errorCount: 3 });
    expect(dry.body.data.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([[3, 'name'], [4, 'schoolCode'], [5, 'positions']]);
    expect(dry.body.data.errors[1].reason).toContain('outside your scope');
    const commit = await upload('east', '/xinyu/imports/roster', bad);
    expect(commit.status).toBe(400);
    expect(commit.body.error.details.errors.map((e: { row: number }) => e.row)).toEqual([3, 4, 5]);
    expect(await app.strapi.db.query(TEACHER_UID).count({ where: { staffNumber: { $startsWith: `WT-N` } } })).toBe(0);
  });

  test('roster: a clean file commits once; activation codes go to the teachers, never into the report; ten identical commits create each account once', async () => {
    const good = file('roster-good.csv', ['工号,姓名,学校代码,岗位,邮箱', `WT-G1-${tag},新东一,${school.e1.code},专任教师,g1-${tag}@test.invalid`, `WT-G2-${tag},新东二,${school.e2.code},班主任,`]);
    const dry = await upload('east', '/xinyu/imports/roster?dryRun=true', good);
    expect(dry.body.data).toMatchObject({ dryRun: true, created: 2, errorCount: 0, activations: [] });
    expect(await app.strapi.db.query(TEACHER_UID).count({ where: { staffNumber: { $startsWith: `WT-G` } } })).toBe(0);

    const responses = await raceSame(app, 10, (client) => client.post('/xinyu/imports/roster').set(staff.east.headers).attach('file', good));
    expect(tally(responses)).toEqual({ 200: 9, 201: 1 });
    const created = responses.find((res) => res.status === 201)!;
    expect(created.body.data).toMatchObject({ created: 2, errorCount: 0 });
    expect(created.body.data.activations.map((a: { staffNumber: string; delivery: string }) => [a.staffNumber, a.delivery])).toEqual([[`WT-G1-${tag}`, expect.any(String)], [`WT-G2-${tag}`, 'no_email']]);
    expect(JSON.stringify(created.body)).not.toMatch(/"(code|activationCode|resetPasswordToken)"/);
    for (const res of responses.filter((r) => r.status === 200)) expect(res.body.data).toMatchObject({ created: 0, unchanged: 2 });
    expect(await app.strapi.db.query(TEACHER_UID).count({ where: { staffNumber: { $startsWith: `WT-G` } } })).toBe(2);
    const trail = await app.strapi.db.query('api::audit-event.audit-event').findMany({ where: { entityType: 'roster-import', actorUsername: `admin:${staff.east.email}` } });
    // Every commit is audited under the panel user; one of them created the accounts.
    expect(trail).toHaveLength(10);
    expect(trail.filter((e: { after: { created: number } }) => e.after.created > 0)).toHaveLength(1);
  });

  test('attendance: row errors for another district\'s teacher; commit all or nothing, or partial; ten identical commits import once', async () => {
    const sheet = file('attendance.csv', [
      '工号,培训日期,学时,培训类别,记录编号',
      `WT-E1-${tag},2026-03-01,2,网络培训,WT-A1-${tag}`,
      `WT-W1-${tag},2026-03-01,2,网络培训,WT-A2-${tag}`,
      `WT-E2-${tag},2026-03-02,-1,网络培训,WT-A3-${tag}`,
    ]);
    const dry = await upload('east', '/xinyu/imports/attendance?dryRun=true', sheet);
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ dryRun: true, rows: 3, valid: 1, errorCount: 2 });
    expect(dry.body.data.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([[3, 'staffNumber'], [4, 'hours']]);
    const refused = await upload('east', '/xinyu/imports/attendance', sheet);
    expect(refused.status).toBe(400);
    expect(await app.strapi.db.query(CREDIT_UID).count({ where: { externalRef: { $startsWith: 'WT-A' } } })).toBe(0);

    const responses = await raceSame(app, 10, (client) => client.post('/xinyu/imports/attendance?partial=true').set(staff.east.headers).attach('file', sheet));
    expect(tally(responses)).toEqual({ 200: 9, 201: 1 });
    expect(responses.find((r) => r.status === 201)!.body.data).toMatchObject({ imported: 1, errorCount: 2 });
    const records = await app.strapi.db.query(CREDIT_UID).findMany({ where: { externalRef: { $contains: `WT-A` } }, populate: { teacher: { select: ['staffNumber'] }, submittedBy: true, decidedBy: true } });
    expect(records.map((r: { teacher: { staffNumber: string }; status: string; submittedBy: unknown; decidedBy: unknown }) => [r.teacher.staffNumber, r.status, r.submittedBy, r.decidedBy])).toEqual([[`WT-E1-${tag}`, 'approved', null, null]]);
  });

  test('malformed: no file, or not multipart, is 400 naming file; a broken multipart body is 400', async () => {
    const none = await post('east', '/xinyu/imports/roster?dryRun=true', {});
    expect(none.status).toBe(400);
    expect(none.body.error.details.errors[0].path).toEqual(['file']);
    const broken = await app.http().post('/xinyu/imports/attendance').set(staff.east.headers).set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc');
    expect(broken.status).toBe(400);
    const headerOnly = await upload('east', '/xinyu/imports/attendance?dryRun=true', file('empty.csv', ['姓名']));
    expect(headerOnly.status).toBe(200);
    expect(headerOnly.body.data.errorCount).toBeGreaterThan(0);
    expect(headerOnly.body.data.errors[0].row).toBe(1);
  });
});

describe('course roster: bulk enrolment and completion', () => {
  let courseId: string;
  beforeAll(async () => {
    courseId = await course();
  });

  test('courses are listed; the roster shows the scope\'s enrolments only', async () => {
    const list = await get('east', '/xinyu/courses?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { documentId: string }) => c.documentId)).toContain(courseId);
    expect((await post('city', `/xinyu/courses/${courseId}/enrolments`, { teachers: [teacherId('tW1')] })).status).toBe(201);
    expect((await post('east', `/xinyu/courses/${courseId}/enrolments`, { teachers: [teacherId('tE1'), teacherId('tE2')] })).status).toBe(201);
    const names = async (who: string) => (await get(who, `/xinyu/courses/${courseId}/enrolments`)).body.data.map((e: { teacher: { name: string } }) => e.teacher.name).sort();
    expect(await names('city')).toEqual(['东湖乙老师', '东湖甲老师', '西山甲老师'].sort());
    expect(await names('east')).toEqual(['东湖乙老师', '东湖甲老师'].sort());
    expect(await names('lead')).toEqual(['东湖甲老师']);
    expect(await seats(courseId)).toBe(3);
    expect((await get('east', '/xinyu/courses/nope/enrolments')).status).toBe(404);
  });

  test('the teacher picker finds teachers of the scope only', async () => {
    const find = async (who: string, q: string) => (await get(who, `/xinyu/teachers?q=${encodeURIComponent(q)}`)).body.data.map((t: { name: string }) => t.name).sort();
    expect(await find('east', '老师')).toEqual(expect.arrayContaining(['东湖甲老师', '东湖乙老师', '东湖丙老师']));
    expect(await find('east', '西山')).toEqual([]);
    expect(await find('east', `WT-W1-${tag}`)).toEqual([]);
    expect(await find('city', `WT-W1-${tag}`)).toEqual(['西山甲老师']);
  });

  test('out of scope, duplicates, unknown, wrong positions: 4xx naming the teacher; nothing written', async () => {
    const other = await course({ audiencePositions: ['mh_fulltime', 'mh_parttime'], capacity: 2 });
    const attempt = async (teachers: unknown, status: number, pathOrText: string[] | string) => {
      const res = await post('east', `/xinyu/courses/${other}/enrolments`, { teachers });
      expect([JSON.stringify(teachers), res.status]).toEqual([JSON.stringify(teachers), status]);
      if (Array.isArray(pathOrText)) expect(res.body.error.details.errors[0].path).toEqual(pathOrText);
      else expect(res.body.error.message).toContain(pathOrText);
      return res;
    };
    await attempt([teacherId('tE1'), teacherId('tW1')], 400, ['teachers', '1']);
    await attempt([teacherId('tE1'), teacherId('tE1')], 400, ['teachers', '1']);
    await attempt([teacherId('tE1'), 'nobody'], 400, ['teachers', '1']);
    await attempt([teacherId('tE1'), teacherId('tE2')], 400, ['teachers', '1']);
    expect((await attempt([teacherId('tE1'), teacherId('tE2')], 400, '东湖乙老师')).body.error.message).toContain('positions');
    await attempt([], 400, ['teachers']);
    await attempt('x', 400, ['teachers']);
    await attempt([1, 2], 400, ['teachers']);
    expect([await enrolledOn(other), await seats(other)]).toEqual([0, 0]);
    // Full: the third place is refused, naming who did not get it, and the first two are not kept either.
    const full = await course({ capacity: 2 });
    const overflow = await post('east', `/xinyu/courses/${full}/enrolments`, { teachers: [teacherId('tE1'), teacherId('tE2'), teacherId('tE3')] });
    expect(overflow.status).toBe(409);
    expect(overflow.body.error.message).toContain('东湖丙老师');
    expect([await enrolledOn(full), await seats(full)]).toEqual([0, 0]);
    const closed = await course({ courseStatus: 'closed' });
    expect((await post('east', `/xinyu/courses/${closed}/enrolments`, { teachers: [teacherId('tE1')] })).status).toBe(409);
    expect((await post('east', '/xinyu/courses/nope/enrolments', { teachers: [teacherId('tE1')] })).status).toBe(404);
  });

  test('ten identical bulk enrolments at once: one enrols, nine are 409; the seats count once', async () => {
    const raced = await course({ capacity: 5 });
    const responses = await raceSame(app, 10, (client) => client.post(`/xinyu/courses/${raced}/enrolments`).set(staff.east.headers).send({ data: { teachers: [teacherId('tE3'), teacherId('tE2')] } }));
    expect(tally(responses)).toEqual({ 201: 1, 409: 9 });
    expect([await enrolledOn(raced), await seats(raced)]).toEqual([2, 2]);
  });

  test('completion: the scope\'s enrolled teachers are credited (no account linked); another district\'s is refused; ten at once complete once', async () => {
    const refused = await post('east', `/xinyu/courses/${courseId}/completions`, { teachers: [teacherId('tE1'), teacherId('tW1')] });
    expect(refused.status).toBe(400);
    expect(await app.strapi.db.query(ENROLMENT_UID).count({ where: { course: { documentId: courseId }, status: 'completed' } })).toBe(0);
    expect((await post('east', `/xinyu/courses/${courseId}/completions`, { teachers: 'all' })).body.error.details.errors[0].path).toEqual(['teachers']);

    const responses = await raceSame(app, 10, (client) => client.post(`/xinyu/courses/${courseId}/completions`).set(staff.east.headers).send({ data: { teachers: [teacherId('tE1')] } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: 9 });
    const credit = await app.strapi.db.query(CREDIT_UID).findOne({ where: { externalRef: `course:${courseId}:${teacherId('tE1')}` }, populate: { submittedBy: true, decidedBy: true } });
    expect([credit.status, credit.submittedBy, credit.decidedBy, Number(credit.hours)]).toEqual(['approved', null, null, 8]);
    const roster = (await get('east', `/xinyu/courses/${courseId}/enrolments`)).body.data as { status: string; teacher: { name: string } }[];
    expect(roster.find((e) => e.teacher.name === '东湖甲老师')!.status).toBe('completed');
  });
});

describe('REST: a coordinator enrols teachers in bulk through the same rules', () => {
  test('POST /api/training-courses/:id/enrolments: coordinators only, scope and capacity as in the panel', async () => {
    const courseId = await course({ capacity: 3 });
    const as = (who: string) => bearer(u[who].jwt);
    expect((await app.http().post(`/api/training-courses/${courseId}/enrolments`).set(as('tE1')).send({ data: { teachers: [teacherId('tE1')] } })).status).toBe(403);
    const res = await app.http().post(`/api/training-courses/${courseId}/enrolments`).set(as('coordinator')).send({ data: { teachers: [teacherId('tE2'), teacherId('tW1')] } });
    expect(res.status).toBe(201);
    expect(res.body.data).toHaveLength(2);
    expect((await app.http().post(`/api/training-courses/${courseId}/enrolments`).set(as('coordinator')).send({ data: { teachers: [teacherId('tE2')] } })).status).toBe(409);
    expect((await app.http().post(`/api/training-courses/${courseId}/enrolments`).set(as('coordinator')).send({ data: { teachers: [teacherId('tE2')], extra: 1 } })).status).toBe(400);
    expect(await seats(courseId)).toBe(2);
  });
});

describe('certificates', () => {
  let westCertificate: string;
  beforeAll(async () => {
    // tE2 (subject teacher) has the 8 approved hours of a C certificate; tE3 has none.
    await asFixture(() => app.strapi.documents(CREDIT_UID).create({ data: { teacher: teacherId('tE2'), hours: 10, status: 'approved', category: 'online', date: '2025-11-10', schoolYear: '2025-2026', source: 'manual' } as never }));
    const west = await asFixture(() => app.strapi.documents(CERT_UID).create({
      data: { teacher: teacherId('tW1'), tier: 'A', schoolYear: '2025-2026', status: 'valid', serialNumber: `XY-2025-A-W${tag}`, verificationCode: randomBytes(10).toString('hex').toUpperCase(), issuedAt: new Date(), snapshot: { approvedHours: 20 } } as never,
    }));
    westCertificate = west.documentId;
  });

  test('eligibility: the answer issuing would give; another district\'s teacher is 404; bad input names the field', async () => {
    const check = (teacher: string, tier = 'C', schoolYear = '2025-2026') => get('east', `/xinyu/certificates/eligibility?teacher=${teacher}&tier=${tier}&schoolYear=${schoolYear}`);
    const no = await check(teacherId('tE3'));
    expect(no.status).toBe(200);
    expect(no.body.data).toMatchObject({ eligible: false, missing: [expect.objectContaining({ kind: 'hours', required: 8 })] });
    expect((await check(teacherId('tE2'))).body.data).toMatchObject({ eligible: true, approvedHours: 10, missing: [] });
    expect((await check(teacherId('tW1'))).status).toBe(404);
    expect((await check(teacherId('tE2'), 'D')).body.error.details.errors[0].path).toEqual(['tier']);
    expect((await check(teacherId('tE2'), 'C', '2025')).body.error.details.errors[0].path).toEqual(['schoolYear']);
  });

  test('issue: ten at once issue one; ineligible is 409 with what is missing; another district\'s teacher is refused; nothing else written', async () => {
    const notYet = await post('east', '/xinyu/certificates', { teacher: teacherId('tE3'), tier: 'C', schoolYear: '2025-2026' });
    expect(notYet.status).toBe(409);
    expect(notYet.body.error.details.missing[0].kind).toBe('hours');
    const outside = await post('east', '/xinyu/certificates', { teacher: teacherId('tW1'), tier: 'A', schoolYear: '2025-2026' });
    expect(outside.status).toBe(400);
    expect(outside.body.error.details.errors[0].path).toEqual(['teacher']);
    expect((await post('east', '/xinyu/certificates', { teacher: teacherId('tE2'), tier: 'C', schoolYear: '25-26' })).body.error.details.errors[0].path).toEqual(['schoolYear']);
    expect(await app.strapi.db.query(CERT_UID).count({ where: { teacher: { documentId: { $in: [teacherId('tE3'), teacherId('tE2')] } } } })).toBe(0);

    const responses = await raceSame(app, 10, (client) => client.post('/xinyu/certificates').set(staff.east.headers).send({ data: { teacher: teacherId('tE2'), tier: 'C', schoolYear: '2025-2026' } }));
    expect(tally(responses)).toEqual({ 201: 1, 409: 9 });
    const issued = responses.find((r) => r.status === 201)!.body.data;
    expect(issued).toMatchObject({ tier: 'C', schoolYear: '2025-2026', status: 'valid', serialNumber: expect.stringMatching(/^XY-2025-C-\d{6}$/), teacher: { name: '东湖乙老师' } });
    const stored = await app.strapi.db.query(CERT_UID).findOne({ where: { documentId: issued.documentId }, populate: { issuedBy: true } });
    expect(stored.issuedBy).toBeNull();
  });

  test('list: the scope\'s certificates only; PDF for those, 404 for another district\'s', async () => {
    const serials = async (who: string) => (await get(who, '/xinyu/certificates?pageSize=100')).body.data.map((c: { teacher: { name: string } }) => c.teacher.name);
    expect(await serials('east')).toContain('东湖乙老师');
    expect(await serials('east')).not.toContain('西山甲老师');
    expect(await serials('city')).toEqual(expect.arrayContaining(['东湖乙老师', '西山甲老师']));
    // The school lead's school (e1) holds none of them.
    expect(await serials('lead')).toEqual([]);
    const mine = (await get('east', '/xinyu/certificates?tier=C&status=valid')).body.data[0];
    const pdf = await get('east', `/xinyu/certificates/${mine.documentId}/pdf`).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await get('east', `/xinyu/certificates/${westCertificate}/pdf`)).status).toBe(404);
    expect((await get('east', '/xinyu/certificates?tier=Z')).body.error.details.errors[0].path).toEqual(['tier']);
  });

  test('revoke: needs a reason; another district\'s is 404; once only', async () => {
    const mine = (await get('east', '/xinyu/certificates?tier=C&status=valid')).body.data[0];
    const noReason = await post('east', `/xinyu/certificates/${mine.documentId}/revoke`, { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.errors[0].path).toEqual(['reason']);
    expect((await post('east', `/xinyu/certificates/${westCertificate}/revoke`, { reason: '误发' })).status).toBe(404);
    expect((await app.strapi.db.query(CERT_UID).findOne({ where: { documentId: westCertificate } })).status).toBe('valid');
    const responses = await raceSame(app, 10, (client) => client.post(`/xinyu/certificates/${mine.documentId}/revoke`).set(staff.east.headers).send({ data: { reason: '学时记录有误' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: 9 });
    const listed = (await get('east', `/xinyu/certificates?status=revoked`)).body.data.find((c: { documentId: string }) => c.documentId === mine.documentId);
    expect(listed).toMatchObject({ status: 'revoked', revocationReason: '学时记录有误' });
  });
});
