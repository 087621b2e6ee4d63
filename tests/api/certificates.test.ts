import fs from 'fs';
import os from 'os';
import path from 'path';
import { execFileSync } from 'child_process';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { maskName, newVerificationCode } from '../../src/api/certificate/services/certificate';

const VERIFY_LIMIT = 12;
let app: TestApp;
const u: Record<string, TestUser> = {};
let certificate: { documentId: string; verificationCode: string; serialNumber: string };

/** Fixtures write decided records directly, as a decision does: inside the app's own decision context (from dist/, the module instance Strapi runs). */
const asFixture = <T>(run: () => Promise<T>): Promise<T> => require('../../dist/src/shared/decision').asDecision('fixture', run);

const credit = async (who: string, hours: number, date: string, course?: string) =>
  asFixture(() => app.strapi.documents('api::credit-record.credit-record' as any).create({
    data: { teacher: u[who].teacher!.documentId, hours, date, schoolYear: '2025-2026', category: course ? 'topic_training' : 'online', source: course ? 'course_completion' : 'manual', status: 'approved', course },
  }));

beforeAll(async () => {
  process.env.VERIFY_RATELIMIT_MAX = String(VERIFY_LIMIT);
  app = await startApp();
  const school = await createSchool(app.strapi, { name: '青溪市实验小学' });
  u.mh = await createUser(app.strapi, { role: 'teacher', teacher: { name: '林心怡', staffNumber: 'QX0001', schoolDocumentId: school.documentId, positions: ['mh_fulltime'] } });
  u.homeroom = await createUser(app.strapi, { role: 'teacher', teacher: { name: '李春晖', schoolDocumentId: school.documentId, positions: ['homeroom'] } });
  u.subject = await createUser(app.strapi, { role: 'teacher', teacher: { name: '孙雨桐', schoolDocumentId: school.documentId, positions: ['subject'] } });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.coordinatorTeacher = await createUser(app.strapi, { role: 'coordinator', teacher: { name: '吴培训', positions: ['subject'] } });
  const course = await app.strapi.documents('api::training-course.training-course' as any).create({
    data: { title: 'A证专题培训', code: 'A-2025-01', tier: 'A', audiencePositions: ['mh_fulltime'], level: 'city', mode: 'in_person', creditHours: 16, modules: [{ title: '全程', hours: 16 }], schoolYear: '2025-2026', startDate: '2025-10-01', endDate: '2025-11-30', capacity: 30, courseStatus: 'closed' },
  });
  await asFixture(() => app.strapi.documents('api::enrolment.enrolment' as any).create({
    data: { course: course.documentId, teacher: u.mh.teacher!.documentId, enrolmentKey: `${course.documentId}:${u.mh.teacher!.documentId}`, status: 'completed', enrolledAt: new Date(), completedAt: new Date() },
  }));
  await credit('mh', 16, '2025-11-30', course.documentId);
  await credit('mh', 4, '2026-03-01');
  await credit('homeroom', 16, '2026-03-01');
  await credit('subject', 5, '2026-03-01');
  for (let i = 0; i < 2; i += 1) await credit('coordinatorTeacher', 5, '2026-03-01');
});
afterAll(async () => {
  delete process.env.VERIFY_RATELIMIT_MAX;
  await app?.stop();
});

const issue = (who: string, teacher: string, tier: string) =>
  app.http().post('/api/certificates').set(bearer(u[who].jwt)).send({ data: { teacher, tier, schoolYear: '2025-2026' } });

describe('issuing', () => {
  test('an eligible teacher gets a certificate with a serial number, an unguessable code and a snapshot', async () => {
    const res = await issue('coordinator', u.mh.teacher!.documentId, 'A');
    expect(res.status).toBe(201);
    certificate = res.body.data;
    expect(res.body.data).toMatchObject({ tier: 'A', schoolYear: '2025-2026', serialNumber: 'XY-2025-A-000001', status: 'valid', teacher: { name: '林心怡' } });
    expect(res.body.data.verificationCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(res.body.data.snapshot).toMatchObject({ approvedHours: 20, courses: [{ code: 'A-2025-01', tier: 'A', hours: 16 }], rule: { minApprovedHours: 20 } });
  });

  test('the request explains what is missing: hours, or a course of the tier', async () => {
    const subject = await issue('coordinator', u.subject.teacher!.documentId, 'C');
    expect(subject.status).toBe(409);
    expect(subject.body.error.message).toBe('孙雨桐 is not yet eligible for the C certificate');
    expect(subject.body.error.details.missing).toEqual([{ kind: 'hours', required: 8, approved: 5, needed: 3 }]);
    const homeroom = await issue('coordinator', u.homeroom.teacher!.documentId, 'B');
    expect(homeroom.status).toBe(409);
    expect(homeroom.body.error.details.missing).toEqual([{ kind: 'course', anyOfTiers: ['A', 'B'], message: 'a completed A or B-tier course in 2025-2026' }]);
    expect(await app.strapi.db.query('api::certificate.certificate' as any).count()).toBe(1);
  });

  test('a second valid certificate of the same tier and year is 409; nobody issues their own; teachers cannot issue', async () => {
    expect((await issue('coordinator', u.mh.teacher!.documentId, 'A')).status).toBe(409);
    const own = await issue('coordinatorTeacher', u.coordinatorTeacher.teacher!.documentId, 'C');
    expect(own.status).toBe(403);
    expect(own.body.error.message).toBe('Nobody issues their own certificate');
    expect((await issue('mh', u.mh.teacher!.documentId, 'A')).status).toBe(403);
    const bad = await issue('coordinator', u.mh.teacher!.documentId, 'D');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toEqual(['tier']);
  });

  test('the holder sees it in their transcript', async () => {
    const res = await app.http().get('/api/me/transcript?schoolYear=2025-2026').set(bearer(u.mh.jwt));
    expect(res.body.data.certificates).toEqual([expect.objectContaining({ serialNumber: 'XY-2025-A-000001', tier: 'A', status: 'valid' })]);
  });
});

describe('the PDF', () => {
  test('has the Chinese text in an embedded Chinese font and a QR code image', async () => {
    const res = await app.http().get(`/api/certificates/${certificate.documentId}/pdf`).set(bearer(u.mh.jwt)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(raw).toContain('/FontFile2');
    expect(raw).toMatch(/\/Subtype \/Image/);
    const file = path.join(os.tmpdir(), `cert-${process.pid}.pdf`);
    fs.writeFileSync(file, pdf);
    const { pages } = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'pdf-text.mjs'), file], { encoding: 'utf8' }));
    fs.rmSync(file);
    const text = pages[0].replace(/\s+/g, '');
    for (const expected of ['心理健康教育教师培训结业证书', 'A证·专兼职心理健康教育教师', '兹证明林心怡（青溪市实验小学）教师（编号QX0001）', '认定学时20学时', 'A证专题培训（16学时）', '证书编号：XY-2025-A-000001', `验证码：${certificate.verificationCode}`]) {
      expect([expected, text.includes(expected)]).toEqual([expected, true]);
    }
  });

  test('another teacher cannot read or download it', async () => {
    expect((await app.http().get(`/api/certificates/${certificate.documentId}/pdf`).set(bearer(u.subject.jwt))).status).toBe(404);
    expect((await app.http().get(`/api/certificates/${certificate.documentId}`).set(bearer(u.subject.jwt))).status).toBe(404);
    expect((await app.http().get(`/api/certificates/${certificate.documentId}`).set(bearer(u.coordinator.jwt))).status).toBe(200);
  });
});

describe('public verification', () => {
  test('anyone can verify a code: valid, tier, masked holder, school, date, hours — nothing else', async () => {
    const res = await app.http().get(`/api/certificates/verify/${certificate.verificationCode}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      status: 'valid',
      valid: true,
      tier: 'A',
      holder: '林*怡',
      school: '青溪市实验小学',
      issuedAt: expect.any(String),
      approvedHours: 20,
    });
    expect(JSON.stringify(res.body)).not.toContain('QX0001');
  });

  test('unknown or malformed codes are 404', async () => {
    expect((await app.http().get(`/api/certificates/verify/${newVerificationCode()}`)).status).toBe(404);
    expect((await app.http().get('/api/certificates/verify/x')).status).toBe(404);
  });

  test('revocation needs a reason, shows on verification, and happens once', async () => {
    expect((await app.http().post(`/api/certificates/${certificate.documentId}/revoke`).set(bearer(u.coordinator.jwt)).send({ data: {} })).status).toBe(400);
    expect((await app.http().post(`/api/certificates/${certificate.documentId}/revoke`).set(bearer(u.mh.jwt)).send({ data: { reason: 'x' } })).status).toBe(403);
    const res = await app.http().post(`/api/certificates/${certificate.documentId}/revoke`).set(bearer(u.coordinator.jwt)).send({ data: { reason: '学时记录有误' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'revoked', revocationReason: '学时记录有误' });
    const verify = await app.http().get(`/api/certificates/verify/${certificate.verificationCode.toLowerCase()}`);
    expect(verify.body.data).toEqual({ status: 'revoked', valid: false, tier: 'A', holder: '林*怡', school: '青溪市实验小学', issuedAt: expect.any(String), approvedHours: 20 });
    expect((await app.http().post(`/api/certificates/${certificate.documentId}/revoke`).set(bearer(u.coordinator.jwt)).send({ data: { reason: '再次' } })).status).toBe(409);
    const trail = await app.strapi.db.query('api::audit-event.audit-event' as any).findMany({ where: { entityDocumentId: certificate.documentId }, orderBy: { id: 'asc' } });
    expect(trail.map((e) => e.action)).toEqual(['issue', 'revoke']);
  });

  test('verification is rate-limited per client', async () => {
    let status = 200;
    let calls = 0;
    while (status !== 429 && calls < VERIFY_LIMIT + 2) {
      status = (await app.http().get(`/api/certificates/verify/${certificate.verificationCode}`)).status;
      calls += 1;
    }
    expect(status).toBe(429);
    expect(calls).toBeLessThanOrEqual(VERIFY_LIMIT + 1);
  });
});

test.each([
  ['张三明', '张*明'],
  ['李华', '李*'],
  ['欧阳娜娜', '欧**娜'],
  ['王', '王'],
])('maskName(%s) = %s', (name, masked) => {
  expect(maskName(name)).toBe(masked);
});
