import fs from 'fs';
import os from 'os';
import path from 'path';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { race, raceSame, tally } from '../helpers/race';

/**
 * Every decision of the training ledger, raced over real sockets: the same request many times at once must
 * be decided exactly once (one success, 409 for the rest), and the stored hours and the audit trail must
 * equal one decision. On PostgreSQL the requests run on separate connections; SQLite serialises them.
 */

/** Fixtures write decided records directly, as a decision does: inside the app's own decision context (from dist/, the module instance Strapi runs). */
const asFixture = <T>(run: () => Promise<T>): Promise<T> => require('../../dist/src/shared/decision').asDecision('fixture', run);

const N = 10;
const CREDIT = 'api::credit-record.credit-record';
let app: TestApp;
const u: Record<string, TestUser> = {};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-races-'));
const as = (who: string) => bearer(u[who].jwt);

beforeAll(async () => {
  app = await startApp();
  const school = await createSchool(app.strapi);
  u.decider = await createUser(app.strapi, { role: 'coordinator' });
  u.submitter = await createUser(app.strapi, { role: 'coordinator' });
  u.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { name: '周明远', staffNumber: 'R1001', schoolDocumentId: school.documentId, positions: ['subject'] } });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.stop();
});

/** A pending record for a teacher, entered by the second coordinator (so the first may decide it). */
async function pending(hours = 2, teacher = u.teacher): Promise<string> {
  const res = await app.http().post('/api/credit-records').set(as('submitter'))
    .send({ data: { teacher: teacher.teacher!.documentId, category: 'other', hours, date: '2025-10-08' } });
  expect(res.status).toBe(201);
  return res.body.data.documentId;
}

const auditCount = (entityDocumentId: string, action: string) =>
  app.strapi.db.query('api::audit-event.audit-event' as any).count({ where: { entityDocumentId, action } });
const record = (documentId: string) => app.strapi.db.query(CREDIT as any).findOne({ where: { documentId } });
/** The teacher's approved hours, summed from the ledger (reversals count negative). */
async function approvedHours(teacher = u.teacher) {
  const rows = await app.strapi.db.query(CREDIT as any).findMany({ where: { teacher: { documentId: teacher.teacher!.documentId }, status: 'approved' }, select: ['id', 'hours'] });
  return Math.round(rows.reduce((sum, row) => sum + Number(row.hours), 0) * 10) / 10;
}

describe('credit-record decisions', () => {
  test(`${N * 2} approvals of one pending record: one succeeds, one approve in the trail, the hours count once`, async () => {
    const id = await pending(2.5);
    const before = await approvedHours();
    const responses = await raceSame(app, N * 2, (client) => client.post(`/api/credit-records/${id}/approve`).set(as('decider')));
    expect(tally(responses)).toEqual({ 200: 1, 409: N * 2 - 1 });
    expect(responses.find((res) => res.status === 409)!.body.error.message).toMatch(/Only pending records can be decided/);
    expect((await record(id)).status).toBe('approved');
    expect(await auditCount(id, 'approve')).toBe(1);
    expect(await approvedHours()).toBe(before + 2.5);
  });

  test(`${N} rejections of one pending record: one succeeds, one reject in the trail`, async () => {
    const id = await pending();
    const responses = await raceSame(app, N, (client) => client.post(`/api/credit-records/${id}/reject`).set(as('decider')).send({ data: { reason: '证明不清晰' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    expect((await record(id)).status).toBe('rejected');
    expect(await auditCount(id, 'reject')).toBe(1);
  });

  test(`${N} approvals and ${N} rejections of one record at once: exactly one decision, and it is the stored one`, async () => {
    const id = await pending(3);
    const before = await approvedHours();
    const responses = await race(app, Array.from({ length: N * 2 }, (_, i) => (client) => (i % 2
      ? client.post(`/api/credit-records/${id}/reject`).set(as('decider')).send({ data: { reason: '重复申报' } })
      : client.post(`/api/credit-records/${id}/approve`).set(as('decider')))));
    expect(tally(responses)).toEqual({ 200: 1, 409: N * 2 - 1 });
    const winner = responses.find((res) => res.status === 200)!.body.data.status;
    expect((await record(id)).status).toBe(winner);
    expect((await auditCount(id, 'approve')) + (await auditCount(id, 'reject'))).toBe(1);
    expect(await approvedHours()).toBe(before + (winner === 'approved' ? 3 : 0));
  });

  test(`${N} overlapping bulk decisions (every set shares one record): one succeeds, every record decided at most once`, async () => {
    const shared = await pending(1);
    const others: string[] = [];
    for (let i = 0; i < N; i += 1) others.push(await pending(1));
    // Half the requests list the shared record first, half last: the lock order must not depend on it.
    const responses = await race(app, others.map((other, i) => (client) =>
      client.post('/api/credit-records/decisions').set(as('decider')).send({ data: { records: i % 2 ? [shared, other] : [other, shared], decision: 'approved' } })));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    const winner = others[responses.findIndex((res) => res.status === 200)];
    for (const id of [shared, ...others]) {
      expect(await auditCount(id, 'approve')).toBe(id === shared || id === winner ? 1 : 0);
      expect((await record(id)).status).toBe(id === shared || id === winner ? 'approved' : 'pending');
    }
  });

  test(`${N} identical bulk decisions of the same three records: decided once each`, async () => {
    const ids = [await pending(1), await pending(1), await pending(1)];
    const before = await approvedHours();
    const responses = await raceSame(app, N, (client) => client.post('/api/credit-records/decisions').set(as('decider')).send({ data: { records: ids, decision: 'approved' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    for (const id of ids) expect(await auditCount(id, 'approve')).toBe(1);
    expect(await approvedHours()).toBe(before + 3);
  });

  test(`${N} reversals of one 3 h record: one reversal, −3 h once`, async () => {
    const id = await pending(3);
    expect((await app.http().post(`/api/credit-records/${id}/approve`).set(as('decider'))).status).toBe(200);
    const before = await approvedHours();
    const responses = await raceSame(app, N, (client) => client.post(`/api/credit-records/${id}/reverse`).set(as('decider')).send({ data: { reason: '录入错误' } }));
    expect(tally(responses)).toEqual({ 201: 1, 409: N - 1 });
    expect(await approvedHours()).toBe(before - 3);
    expect(await app.strapi.db.query(CREDIT as any).count({ where: { reverses: { documentId: id } } })).toBe(1);
    expect(await auditCount(id, 'reverse')).toBe(1);
  });
});

describe('courses', () => {
  let courseId: string;
  test(`${N} enrolments of the same teacher on one course: one place taken`, async () => {
    const created = await app.http().post('/api/training-courses').set(as('decider')).send({
      data: { title: '网络研修（并发）', code: 'RACE-01', tier: 'C', audiencePositions: ['subject'], level: 'city', mode: 'online', creditHours: 4, modules: [{ title: '全程', hours: 4 }], schoolYear: '2025-2026', startDate: '2025-10-10', endDate: '2025-12-20', capacity: 50, courseStatus: 'open' },
    });
    expect(created.status).toBe(201);
    courseId = created.body.data.documentId;
    const responses = await raceSame(app, N, (client) => client.post(`/api/training-courses/${courseId}/enrol`).set(as('teacher')));
    expect(tally(responses)).toEqual({ 201: 1, 409: N - 1 });
    const course = await app.strapi.db.query('api::training-course.training-course' as any).findOne({ where: { documentId: courseId } });
    expect(course.enrolledCount).toBe(1);
    const enrolments = await app.strapi.db.query('api::enrolment.enrolment' as any).findMany({ where: { course: { documentId: courseId } } });
    expect(enrolments).toHaveLength(1);
    expect(await auditCount(enrolments[0].documentId, 'enrol')).toBe(1);
  });

  test(`${N} completions of a 4 h course for one teacher: the hours are credited once`, async () => {
    const before = await approvedHours();
    const responses = await raceSame(app, N, (client) => client.post(`/api/training-courses/${courseId}/complete`).set(as('decider')).send({ data: { teachers: [u.teacher.teacher!.documentId] } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    expect(await approvedHours()).toBe(before + 4);
    const credits = await app.strapi.db.query(CREDIT as any).findMany({ where: { course: { documentId: courseId }, source: 'course_completion' } });
    expect(credits).toHaveLength(1);
    expect(await auditCount(credits[0].documentId, 'credit_course_completion')).toBe(1);
  });
});

describe('certificates', () => {
  const issue = (teacher: TestUser) => (client) =>
    client.post('/api/certificates').set(as('decider')).send({ data: { teacher: teacher.teacher!.documentId, tier: 'C', schoolYear: '2025-2026' } });
  const eligible = async (key: string) => {
    u[key] = await createUser(app.strapi, { role: 'teacher', teacher: { name: '钱老师', positions: ['subject'] } });
    await asFixture(() => app.strapi.documents(CREDIT as any).create({
      data: { teacher: u[key].teacher!.documentId, hours: 8, date: '2025-11-01', schoolYear: '2025-2026', category: 'online', source: 'manual', status: 'approved' },
    }));
    return u[key];
  };
  const certificates = (teacher: TestUser) =>
    app.strapi.db.query('api::certificate.certificate' as any).findMany({ where: { teacher: { documentId: teacher.teacher!.documentId } } });
  let certificateId: string;

  test(`${N} issues of the same certificate: one certificate, one issue in the trail`, async () => {
    const teacher = await eligible('holder');
    const responses = await raceSame(app, N, issue(teacher));
    expect(tally(responses)).toEqual({ 201: 1, 409: N - 1 });
    const held = await certificates(teacher);
    expect(held).toHaveLength(1);
    certificateId = held[0].documentId;
    expect(await auditCount(certificateId, 'issue')).toBe(1);
  });

  test(`${N} certificates for ${N} teachers at once get ${N} different serial numbers`, async () => {
    const teachers: TestUser[] = [];
    for (let i = 0; i < N; i += 1) teachers.push(await eligible(`many${i}`));
    const responses = await race(app, teachers.map((teacher) => issue(teacher)));
    expect(tally(responses)).toEqual({ 201: N });
    const serials = responses.map((res) => res.body.data.serialNumber);
    expect(new Set(serials).size).toBe(N);
    // One series per tier and year, no gaps: the first was 000001 above.
    expect([...serials].sort()).toEqual(Array.from({ length: N }, (_, i) => `XY-2025-C-${String(i + 2).padStart(6, '0')}`));
  });

  test(`${N} revocations of one certificate: one succeeds, one revoke in the trail`, async () => {
    const responses = await raceSame(app, N, (client) => client.post(`/api/certificates/${certificateId}/revoke`).set(as('decider')).send({ data: { reason: '材料不实' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    expect(await auditCount(certificateId, 'revoke')).toBe(1);
  });
});

describe('attendance import', () => {
  test(`the same sheet sent ${N} times at once is imported once; the others find it already imported`, async () => {
    const file = path.join(dir, 'sheet.csv');
    fs.writeFileSync(file, ['工号,姓名,培训日期,学时,培训类别,记录编号', 'R1001,周明远,2025-10-20,2,专题培训,RACE-A', 'R1001,周明远,2025-11-20,1.5,校本培训,RACE-B', ''].join('\r\n'));
    const before = await approvedHours();
    const responses = await raceSame(app, N, (client) => client.post('/api/credit-records/import').set(as('decider')).attach('file', file));
    expect(tally(responses)).toEqual({ 200: N - 1, 201: 1 });
    expect(responses.find((res) => res.status === 201)!.body.data).toMatchObject({ imported: 2, alreadyImported: 0 });
    for (const res of responses.filter((r) => r.status === 200)) expect(res.body.data).toMatchObject({ imported: 0, alreadyImported: 2 });
    expect(await approvedHours()).toBe(before + 3.5);
    expect(await app.strapi.db.query('api::audit-event.audit-event' as any).count({ where: { entityType: 'credit-import' } })).toBe(1);
    const imported = await app.strapi.db.query(CREDIT as any).findMany({ where: { externalRef: { $in: ['ext:RACE-A', 'ext:RACE-B'] } } });
    expect(imported).toHaveLength(2);
    for (const row of imported) expect(await auditCount(row.documentId, 'import')).toBe(1);
  });
});
