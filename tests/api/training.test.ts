import http from 'http';
import request from 'supertest';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
const u: Record<string, TestUser> = {};
let courseId: string;

const as = (who: string) => bearer(u[who].jwt);
const course = (overrides: Record<string, unknown> = {}) => ({
  title: '班主任心理健康教育能力提升（B证）',
  code: 'B-2025-001',
  tier: 'B',
  audiencePositions: ['homeroom', 'moral_education'],
  level: 'city',
  mode: 'blended',
  creditHours: 16,
  modules: [
    { title: '学生心理发展特点', hours: 6 },
    { title: '班级心理辅导活动设计', hours: 6.5 },
    { title: '家校沟通与危机识别', hours: 3.5 },
  ],
  schoolYear: '2025-2026',
  startDate: '2025-10-10',
  endDate: '2025-12-20',
  capacity: 5,
  courseStatus: 'open',
  ...overrides,
});
const PDF = Buffer.from('%PDF-1.4\n% 培训证明\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
/** A teacher's own hours: multipart, the record as JSON text plus the evidence file. */
const submitOwn = (who: string, data: Record<string, unknown>, evidence: Buffer | null = PDF, name = '证明.pdf') => {
  const req = app.http().post('/api/credit-records').set(as(who)).field('data', JSON.stringify(data));
  return evidence ? req.attach('evidence', evidence, name) : req;
};
const audit = (documentId: string) =>
  app.strapi.db.query('api::audit-event.audit-event' as any).findMany({ where: { entityDocumentId: documentId }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  app = await startApp();
  const school = await createSchool(app.strapi);
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.coordinator2 = await createUser(app.strapi, { role: 'coordinator' });
  u.homeroom = await createUser(app.strapi, { role: 'teacher', teacher: { name: '李春晖', schoolDocumentId: school.documentId, positions: ['homeroom', 'subject'] } });
  u.subject = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
  u.researcher = await createUser(app.strapi, { role: 'researcher' });
});
afterAll(async () => {
  for (const file of await app.strapi.db.query('plugin::upload.file').findMany({})) await app.strapi.plugin('upload').service('upload').remove(file);
  await app?.stop();
});

describe('training courses', () => {
  test('a coordinator creates a course whose module hours add up', async () => {
    const res = await app.http().post('/api/training-courses').set(as('coordinator')).send({ data: course() });
    expect(res.status).toBe(201);
    courseId = res.body.data.documentId;
    expect(res.body.data).toMatchObject({ code: 'B-2025-001', tier: 'B', enrolledCount: 0, audiencePositions: ['homeroom', 'moral_education'] });
    expect(res.body.data.modules.map((m) => Number(m.hours))).toEqual([6, 6.5, 3.5]);
  });

  test.each([
    [{ creditHours: 20 }, 'modules', 'modules add up to 16 hours but creditHours is 20; they must be equal'],
    [{ schoolYear: '2024-2025' }, 'schoolYear', 'startDate 2025-10-10 is in school year 2025-2026, not 2024-2025'],
    [{ endDate: '2025-09-01' }, 'endDate', 'endDate is before startDate'],
    [{ audiencePositions: ['principal'] }, 'audiencePositions', undefined],
    [{ creditHours: 16.25, modules: [{ title: 'x', hours: 16.25 }] }, 'creditHours', 'creditHours has at most one decimal (e.g. 2.5)'],
  ])('%j is refused naming %s', async (overrides, field, message) => {
    const res = await app.http().post('/api/training-courses').set(as('coordinator')).send({ data: course({ code: `X-${field}`, ...overrides }) });
    expect(res.status).toBe(400);
    if (field !== 'audiencePositions') expect(res.body.error.details.errors[0].path).toEqual([field]);
    if (message) expect(res.body.error.message).toBe(message);
  });

  test.each(['homeroom', 'researcher'])('%s cannot create courses', async (who) => {
    expect((await app.http().post('/api/training-courses').set(as(who)).send({ data: course({ code: 'NOPE' }) })).status).toBe(403);
  });

  test('teachers see announced courses, not planned ones', async () => {
    await app.http().post('/api/training-courses').set(as('coordinator')).send({ data: course({ code: 'PLANNED-1', courseStatus: 'planned' }) });
    const res = await app.http().get('/api/training-courses').set(as('homeroom'));
    expect(res.body.data.map((c) => c.code)).toEqual(['B-2025-001']);
  });
});

describe('enrolment', () => {
  test('a teacher enrols on an open course for their positions; the seat is counted', async () => {
    const res = await app.http().post(`/api/training-courses/${courseId}/enrol`).set(as('homeroom'));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ status: 'enrolled', course: { code: 'B-2025-001' } });
    const stored = await app.strapi.db.query('api::training-course.training-course' as any).findOne({ where: { documentId: courseId } });
    expect(stored.enrolledCount).toBe(1);
  });

  test('enrolling twice is 409; a course for other positions is 403; coordinators cannot enrol', async () => {
    expect((await app.http().post(`/api/training-courses/${courseId}/enrol`).set(as('homeroom'))).status).toBe(409);
    const other = await app.http().post(`/api/training-courses/${courseId}/enrol`).set(as('subject'));
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe('This course is for homeroom, moral_education; your positions are subject');
    expect((await app.http().post(`/api/training-courses/${courseId}/enrol`).set(as('coordinator'))).status).toBe(403);
    const stored = await app.strapi.db.query('api::training-course.training-course' as any).findOne({ where: { documentId: courseId } });
    expect(stored.enrolledCount).toBe(1);
  });

  test('capacity holds under concurrent enrolment: 12 teachers race for 4 remaining seats', async () => {
    const racers = await Promise.all(Array.from({ length: 12 }, () => createUser(app.strapi, { role: 'teacher', teacher: { positions: ['moral_education'] } })));
    const server = app.strapi.server.httpServer as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const statuses = await Promise.all(racers.map((racer) => request(server).post(`/api/training-courses/${courseId}/enrol`).set(bearer(racer.jwt)).then((res) => res.status)));
      expect(statuses.filter((s) => s === 201)).toHaveLength(4);
      expect(statuses.filter((s) => s === 409)).toHaveLength(8);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const stored = await app.strapi.db.query('api::training-course.training-course' as any).findOne({ where: { documentId: courseId } });
    expect(stored.enrolledCount).toBe(5);
    expect(await app.strapi.db.query('api::enrolment.enrolment' as any).count({ where: { course: { documentId: courseId } } })).toBe(5);
  });

  test('capacity cannot drop below the teachers already enrolled', async () => {
    const res = await app.http().put(`/api/training-courses/${courseId}`).set(as('coordinator')).send({ data: { capacity: 3 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['capacity']);
  });
});

describe('the credit-hour ledger', () => {
  let pending: string;

  test('completing a course credits its hours, approved, with an audit trail', async () => {
    const res = await app.http().post(`/api/training-courses/${courseId}/complete`).set(as('coordinator')).send({ data: { teachers: [u.homeroom.teacher!.documentId] } });
    expect(res.status).toBe(200);
    const record = await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { documentId: res.body.data[0].creditRecord } });
    expect([Number(record.hours), record.status, record.source, record.schoolYear, record.category]).toEqual([16, 'approved', 'course_completion', '2025-2026', 'topic_training']);
    expect((await audit(record.documentId)).map((e) => [e.action, e.actorUsername])).toEqual([['credit_course_completion', u.coordinator.user.username]]);
    const again = await app.http().post(`/api/training-courses/${courseId}/complete`).set(as('coordinator')).send({ data: { teachers: [u.homeroom.teacher!.documentId] } });
    expect(again.status).toBe(409);
  });

  test("a coordinator completing their own enrolment is credited pending, for another coordinator to decide", async () => {
    const school = await createSchool(app.strapi);
    const both = await createUser(app.strapi, { role: 'coordinator', teacher: { name: '周协调', schoolDocumentId: school.documentId, positions: ['homeroom'] } });
    const created = await app.http().post('/api/training-courses').set(as('coordinator')).send({ data: course({ code: 'B-2025-OWN', courseStatus: 'open' }) });
    expect(created.status).toBe(201);
    const ownCourse = created.body.data.documentId;
    // The coordinator enrols as the teacher they also are (through the service: the enrol route is for teachers).
    const asTeacher = { role: 'teacher', account: { id: both.user.id, documentId: both.user.documentId, username: both.user.username }, teacher: { documentId: both.teacher!.documentId, positions: ['homeroom'], schoolDocumentId: school.documentId } };
    await app.strapi.service('api::training-course.training-course' as any).enrol(asTeacher, ownCourse);
    const res = await app.http().post(`/api/training-courses/${ownCourse}/complete`).set(bearer(both.jwt)).send({ data: { teachers: [both.teacher!.documentId] } });
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ status: 'pending', hours: 16 });
    const record = await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { documentId: res.body.data[0].creditRecord }, populate: { decidedBy: true } });
    expect([record.status, record.decidedBy, record.decidedAt]).toEqual(['pending', null, null]);
    expect((await app.http().post(`/api/credit-records/${record.documentId}/approve`).set(bearer(both.jwt))).status).toBe(403);
    expect((await app.http().post(`/api/credit-records/${record.documentId}/approve`).set(as('coordinator2'))).status).toBe(200);
  });

  test('a teacher submits their own external hours as pending; the school year is derived', async () => {
    const res = await submitOwn('homeroom', { category: 'school_based', hours: 2.5, date: '2026-03-12', note: '校本培训：情绪辅导' });
    expect(res.status).toBe(201);
    pending = res.body.data.documentId;
    expect(res.body.data).toMatchObject({ status: 'pending', source: 'manual', schoolYear: '2025-2026', teacher: { name: '李春晖' }, evidence: { name: '证明.pdf', mime: 'application/pdf' } });
    expect(Number(res.body.data.hours)).toBe(2.5);
  });

  test.each([
    [{ hours: -1 }, 'hours'],
    [{ hours: 0 }, 'hours'],
    [{ hours: 1.25 }, 'hours'],
    [{ hours: 500 }, 'hours'],
    [{ date: '2026-13-40' }, 'date'],
    [{ date: '2999-01-01' }, 'date'],
    [{ category: 'holiday' }, 'category'],
    [{ status: 'approved' }, 'status'],
    [{ teacher: 'someone-else' }, 'teacher'],
  ])('%j is refused naming %s, and nothing is stored', async (overrides, field) => {
    const before = await app.strapi.db.query('api::credit-record.credit-record' as any).count();
    const res = await submitOwn('homeroom', { category: 'school_based', hours: 2, date: '2026-03-12', ...overrides });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    expect(await app.strapi.db.query('api::credit-record.credit-record' as any).count()).toBe(before);
  });

  test.each([
    ['no evidence', null, '证明.pdf', 'evidence is required: attach a PDF or image as the multipart field "evidence"'],
    ['a text file named .pdf', Buffer.from('not really a pdf'), 'fake.pdf', 'evidence must be a PDF, PNG, JPEG or WebP file'],
  ])('a teacher submission with %s is refused naming evidence, and nothing is stored', async (_label, evidence, name, message) => {
    const before = await app.strapi.db.query('api::credit-record.credit-record' as any).count();
    const files = await app.strapi.db.query('plugin::upload.file').count();
    const res = await submitOwn('homeroom', { category: 'online', hours: 1, date: '2026-03-12' }, evidence as Buffer | null, name);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(message);
    expect(res.body.error.details.errors[0].path).toEqual(['evidence']);
    expect(await app.strapi.db.query('api::credit-record.credit-record' as any).count()).toBe(before);
    expect(await app.strapi.db.query('plugin::upload.file').count()).toBe(files);
  });

  test('nobody approves their own record', async () => {
    const own = await app.http().post('/api/credit-records').set(as('coordinator')).send({ data: { teacher: u.subject.teacher!.documentId, category: 'online', hours: 3, date: '2026-01-05' } });
    expect(own.status).toBe(201);
    const self = await app.http().post(`/api/credit-records/${own.body.data.documentId}/approve`).set(as('coordinator'));
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/^Nobody approves their own record/);
    const other = await app.http().post(`/api/credit-records/${own.body.data.documentId}/approve`).set(as('coordinator2'));
    expect(other.status).toBe(200);
    expect(other.body.data.status).toBe('approved');
  });

  test('teachers cannot approve; bulk decisions are all or nothing', async () => {
    expect((await app.http().post(`/api/credit-records/${pending}/approve`).set(as('homeroom'))).status).toBe(403);
    const second = await submitOwn('homeroom', { category: 'wellbeing_activity', hours: 1, date: '2026-04-01' });
    const approvedAlready = (await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { status: 'approved', source: 'course_completion' } })).documentId;
    const mixed = await app.http().post('/api/credit-records/decisions').set(as('coordinator2')).send({ data: { records: [pending, second.body.data.documentId, approvedAlready], decision: 'approved' } });
    expect(mixed.status).toBe(409);
    const stillPending = await app.strapi.db.query('api::credit-record.credit-record' as any).findMany({ where: { documentId: { $in: [pending, second.body.data.documentId] } } });
    expect(stillPending.map((r) => r.status)).toEqual(['pending', 'pending']);
    const bulk = await app.http().post('/api/credit-records/decisions').set(as('coordinator2')).send({ data: { records: [pending, second.body.data.documentId], decision: 'approved' } });
    expect(bulk.status).toBe(200);
    expect(bulk.body.data.map((r) => r.status)).toEqual(['approved', 'approved']);
  });

  test('approved hours are never edited: a correction is a reversing record', async () => {
    const edit = await app.http().put(`/api/credit-records/${pending}`).set(as('homeroom')).send({ data: { category: 'school_based', hours: 3, date: '2026-03-12' } });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toBe('An approved record is never edited; reverse it and enter the correct hours');
    const reversal = await app.http().post(`/api/credit-records/${pending}/reverse`).set(as('coordinator')).send({ data: { reason: '实际为2学时' } });
    expect(reversal.status).toBe(201);
    expect(reversal.body.data).toMatchObject({ status: 'approved', source: 'reversal', schoolYear: '2025-2026', reverses: { documentId: pending } });
    expect(Number(reversal.body.data.hours)).toBe(-2.5);
    const twice = await app.http().post(`/api/credit-records/${pending}/reverse`).set(as('coordinator')).send({ data: { reason: '重复' } });
    expect(twice.status).toBe(409);
    const original = await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { documentId: pending } });
    expect([Number(original.hours), original.status]).toEqual([2.5, 'approved']);
  });

  test('a rejected record needs a reason; a pending one can be corrected by its submitter', async () => {
    const created = await submitOwn('homeroom', { category: 'other', hours: 4, date: '2026-05-01' });
    const id = created.body.data.documentId;
    const corrected = await app.http().put(`/api/credit-records/${id}`).set(as('homeroom')).send({ data: { category: 'other', hours: 3.5, date: '2026-05-01' } });
    expect(Number(corrected.body.data.hours)).toBe(3.5);
    expect((await app.http().post(`/api/credit-records/${id}/reject`).set(as('coordinator')).send({ data: {} })).status).toBe(400);
    const rejected = await app.http().post(`/api/credit-records/${id}/reject`).set(as('coordinator')).send({ data: { reason: '无证明材料' } });
    expect(rejected.body.data).toMatchObject({ status: 'rejected', rejectionReason: '无证明材料' });
    expect((await audit(id)).map((e) => e.action)).toEqual(['create', 'edit', 'reject']);
    const trail = await audit(id);
    expect(trail[1].before).toMatchObject({ hours: 4, status: 'pending' });
    expect(trail[1].after).toMatchObject({ hours: 3.5, status: 'pending' });
  });

  test('the audit trail: every change with who, when, before and after; coordinators read it, nobody edits it', async () => {
    const res = await app.http().get(`/api/audit-events?filters[entityDocumentId][$eq]=${pending}&sort=id:asc`).set(as('coordinator'));
    expect(res.status).toBe(200);
    expect(res.body.data.map((e) => [e.action, e.actorUsername])).toEqual([
      ['create', u.homeroom.user.username],
      ['approve', u.coordinator2.user.username],
      ['reverse', u.coordinator.user.username],
    ]);
    expect(res.body.data[1].before.status).toBe('pending');
    expect(res.body.data[1].after.status).toBe('approved');
    expect(res.body.data.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect((await app.http().get('/api/audit-events').set(as('homeroom'))).status).toBe(403);
    const id = res.body.data[0].documentId;
    expect((await app.http().put(`/api/audit-events/${id}`).set(as('coordinator')).send({ data: { action: 'x' } })).status).toBe(405);
    expect((await app.http().delete(`/api/audit-events/${id}`).set(as('coordinator'))).status).toBe(405);
  });

  test('teachers see only their own records; coordinators see all', async () => {
    const own = await app.http().get('/api/credit-records?pagination[pageSize]=100').set(as('homeroom'));
    expect(new Set(own.body.data.map((r) => r.teacher.name))).toEqual(new Set(['李春晖']));
    const others = await app.http().get('/api/credit-records').set(as('subject'));
    expect(others.body.data.map((r) => Number(r.hours))).toEqual([3]);
    const all = await app.http().get('/api/credit-records?pagination[pageSize]=100').set(as('coordinator'));
    // Everyone's: the homeroom teacher's, the subject teacher's one, and the coordinator-teacher's own pending one.
    expect(all.body.meta.pagination.total).toBe(own.body.meta.pagination.total + 2);
    expect((await app.http().get('/api/credit-records')).status).toBe(403);
  });
});
