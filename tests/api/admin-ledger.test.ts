import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, cm, type AdminSession } from '../helpers/admin';

/**
 * The admin panel is a client like any other: its content manager writes through the Document Service, and
 * the training guard gives it the ledger's rules. The database triggers stop raw SQL as well.
 */

const CREDIT = 'api::credit-record.credit-record';
const AUDIT = 'api::audit-event.audit-event';
const COURSE = 'api::training-course.training-course';
const CERTIFICATE = 'api::certificate.certificate';
const ENROLMENT = 'api::enrolment.enrolment';

/** Fixtures write decided records directly, as a decision does: inside the app's own decision context (from dist/, the module instance Strapi runs). */
const asFixture = <T>(run: () => Promise<T>): Promise<T> => require('../../dist/src/shared/decision').asDecision('fixture', run);

let app: TestApp;
let admin: AdminSession;
const u: Record<string, TestUser> = {};
const as = (who: string) => bearer(u[who].jwt);
const put = (uid: string, documentId: string, data: Record<string, unknown>) => app.http().put(cm.document(uid, documentId)).set(admin.headers).send(data);
const del = (uid: string, documentId: string) => app.http().delete(cm.document(uid, documentId)).set(admin.headers);
const post = (uid: string, data: Record<string, unknown>) => app.http().post(cm.collection(uid)).set(admin.headers).send(data);
const row = (uid: string, documentId: string) => app.strapi.db.query(uid as any).findOne({ where: { documentId } });
/** The database's refusal of a raw query, as text ('no error' when it went through). */
const refusal = (query: PromiseLike<unknown>) => Promise.resolve(query).then(() => 'no error', (error) => String(error?.message ?? error));
const transcriptHours = async () => (await app.http().get('/api/me/transcript?schoolYear=2025-2026').set(as('teacher'))).body.data.approvedHours;

const course = (overrides: Record<string, unknown> = {}) => ({
  title: '班主任心理辅导（管理端）', code: 'ADM-01', tier: 'B', audiencePositions: ['homeroom'], level: 'city', mode: 'in_person', creditHours: 8,
  modules: [{ title: '理论', hours: 4 }, { title: '实践', hours: 4 }], schoolYear: '2025-2026', startDate: '2025-10-10', endDate: '2025-12-20', capacity: 30, courseStatus: 'planned',
  ...overrides,
});

async function pending(hours: number) {
  const res = await app.http().post('/api/credit-records').set(as('submitter'))
    .send({ data: { teacher: u.teacher.teacher!.documentId, category: 'other', hours, date: '2025-10-08' } });
  expect(res.status).toBe(201);
  return res.body.data.documentId as string;
}

let approved: string;
beforeAll(async () => {
  app = await startApp();
  admin = await adminSession(app);
  const school = await createSchool(app.strapi);
  u.decider = await createUser(app.strapi, { role: 'coordinator' });
  u.submitter = await createUser(app.strapi, { role: 'coordinator' });
  u.teacher = await createUser(app.strapi, { role: 'teacher', teacher: { name: '韩晓雪', schoolDocumentId: school.documentId, positions: ['homeroom'] } });
  approved = await pending(8);
  expect((await app.http().post(`/api/credit-records/${approved}/approve`).set(as('decider'))).status).toBe(200);
});
afterAll(async () => {
  await app?.stop();
});

describe('credit records in the admin panel', () => {
  test('editing approved hours from 8 to 80 is refused (409, reverse it); hours, transcript and trail are unchanged', async () => {
    const hoursBefore = await transcriptHours();
    const trailBefore = await app.strapi.db.query(AUDIT as any).count({ where: { entityDocumentId: approved } });
    const res = await put(CREDIT, approved, { hours: 80 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/reverse it/);
    expect(Number((await row(CREDIT, approved)).hours)).toBe(8);
    expect(await transcriptHours()).toBe(hoursBefore);
    expect(await app.strapi.db.query(AUDIT as any).count({ where: { entityDocumentId: approved } })).toBe(trailBefore);
  });

  test('an approved record cannot be deleted in the panel', async () => {
    expect((await del(CREDIT, approved)).status).toBe(409);
    expect(await row(CREDIT, approved)).not.toBeNull();
  });

  test('a pending record may be corrected in the panel, and the correction is audited with the admin as actor', async () => {
    const id = await pending(4);
    const res = await put(CREDIT, id, { hours: 3.5 });
    expect(res.status).toBe(200);
    expect(Number((await row(CREDIT, id)).hours)).toBe(3.5);
    const trail = await app.strapi.db.query(AUDIT as any).findMany({ where: { entityDocumentId: id, action: 'edit' } });
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actorUsername: `admin:${admin.email}`, before: expect.objectContaining({ hours: 4 }), after: expect.objectContaining({ hours: 3.5 }) });
  });

  // (A body `status` is refused by the content manager itself, as not draft/published; the script test below covers it.)
  test.each([
    [{ decidedAt: '2025-11-01T00:00:00.000Z' }, 'decidedAt'],
  ])('the panel cannot decide a pending record: %j is refused naming %s', async (data, field) => {
    const id = await pending(2);
    const res = await put(CREDIT, id, data);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    expect((await row(CREDIT, id)).status).toBe('pending');
  });

  test('a script (any Document Service write outside a decision) cannot decide a record either', async () => {
    const id = await pending(2);
    await expect(app.strapi.documents(CREDIT as any).update({ documentId: id, data: { status: 'approved' } as any })).rejects.toMatchObject({ details: { errors: [{ path: ['status'] }] } });
    await expect(app.strapi.documents(CREDIT as any).update({ documentId: approved, data: { hours: 80 } as any })).rejects.toThrow(/reverse it/);
    expect((await row(CREDIT, id)).status).toBe('pending');
  });

  test('the panel creates credit records only as pending', async () => {
    const refused = await post(CREDIT, { teacher: u.teacher.teacher!.documentId, category: 'other', hours: 50, date: '2025-10-09', source: 'manual', decidedAt: '2025-10-10T00:00:00.000Z' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.errors[0].path).toEqual(['decidedAt']);
    const reversal = await post(CREDIT, { category: 'other', hours: 50, date: '2025-10-09', source: 'reversal' });
    expect(reversal.status).toBe(400);
    expect(reversal.body.error.details.errors[0].path).toEqual(['source']);
    const hoursBefore = await transcriptHours();
    const created = await post(CREDIT, { category: 'other', hours: 2, date: '2025-10-09', schoolYear: '2025-2026', source: 'manual' });
    expect(created.status).toBe(201);
    expect((await row(CREDIT, created.body.data.documentId)).status).toBe('pending');
    expect(await transcriptHours()).toBe(hoursBefore);
  });
});

describe('the audit trail is append-only, for admins too', () => {
  let event: { documentId: string; actorUsername: string; action: string };
  beforeAll(async () => {
    event = await app.strapi.db.query(AUDIT as any).findOne({ where: { entityDocumentId: approved, action: 'approve' } });
  });

  test('an admin cannot rewrite an audit event\'s actor', async () => {
    const res = await put(AUDIT, event.documentId, { actorUsername: 'someone-else' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/append-only/);
    expect((await row(AUDIT, event.documentId)).actorUsername).toBe(event.actorUsername);
  });

  test('an admin cannot delete an audit event, or create one', async () => {
    expect((await del(AUDIT, event.documentId)).status).toBe(403);
    expect(await row(AUDIT, event.documentId)).not.toBeNull();
    const created = await post(AUDIT, { entityType: 'credit-record', entityDocumentId: approved, action: 'approve', at: new Date().toISOString() });
    expect(created.status).toBe(403);
  });

  test('raw SQL cannot update or delete audit events either', async () => {
    const knex = app.strapi.db.connection;
    expect(await refusal(knex('audit_events').where({ document_id: event.documentId }).update({ actor_username: 'rewritten' }))).toMatch(/append-only/);
    expect(await refusal(knex('audit_events').where({ document_id: event.documentId }).delete())).toMatch(/append-only/);
    expect((await row(AUDIT, event.documentId)).actorUsername).toBe(event.actorUsername);
  });

  test('raw SQL cannot change or delete a decided credit record; a pending one is still editable', async () => {
    const knex = app.strapi.db.connection;
    expect(await refusal(knex('credit_records').where({ document_id: approved }).update({ hours: 80 }))).toMatch(/never edited/);
    expect(await refusal(knex('credit_records').where({ document_id: approved }).delete())).toMatch(/never deleted/);
    expect(Number((await row(CREDIT, approved)).hours)).toBe(8);
    const id = await pending(1);
    expect(await knex('credit_records').where({ document_id: id }).update({ note: 'raw' })).toBe(1);
  });
});

describe('training courses in the admin panel', () => {
  let courseId: string;
  test('the panel saves a course with its courseStatus (the old `status` clashed with draft/publish)', async () => {
    const created = await post(COURSE, course());
    expect(created.status).toBe(201);
    courseId = created.body.data.documentId;
    expect(created.body.data).toMatchObject({ courseStatus: 'planned', enrolledCount: 0 });
    const opened = await put(COURSE, courseId, { courseStatus: 'open' });
    expect(opened.status).toBe(200);
    expect((await row(COURSE, courseId)).courseStatus).toBe('open');
    // Teachers now see it through REST.
    const listed = await app.http().get('/api/training-courses').set(as('teacher'));
    expect(listed.body.data.map((c) => c.code)).toContain('ADM-01');
  });

  test.each([
    [{ creditHours: 10 }, 'modules'],
    [{ endDate: '2025-09-01' }, 'endDate'],
    [{ schoolYear: '2024-2025' }, 'schoolYear'],
    [{ enrolledCount: 25 }, 'enrolledCount'],
  ])('an invalid course %j is refused in the panel naming %s, as in REST', async (data, field) => {
    const res = await put(COURSE, courseId, data);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    const created = await post(COURSE, course({ code: `ADM-${field}`, ...data }));
    expect(created.status).toBe(400);
    expect(created.body.error.details.errors[0].path).toEqual([field]);
  });

  test('capacity cannot drop below the teachers enrolled, in the panel too', async () => {
    expect((await app.http().post(`/api/training-courses/${courseId}/enrol`).set(as('teacher'))).status).toBe(201);
    const res = await put(COURSE, courseId, { capacity: 0 });
    expect(res.status).toBe(400);
    expect((await row(COURSE, courseId)).enrolledCount).toBe(1);
  });

  test('certificates and enrolments change only through their decisions', async () => {
    const enrolment = await app.strapi.db.query(ENROLMENT as any).findOne({ where: { course: { documentId: courseId } } });
    // The content manager itself refuses a body `status` that is not draft/published (400); the guard refuses the rest.
    expect((await put(ENROLMENT, enrolment.documentId, { status: 'completed' })).status).toBe(400);
    const res = await put(ENROLMENT, enrolment.documentId, { completedAt: '2025-12-20T00:00:00.000Z' });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ fields: ['completedAt'] });
    expect(await row(ENROLMENT, enrolment.documentId)).toMatchObject({ status: 'enrolled', completedAt: null });
    expect((await del(ENROLMENT, enrolment.documentId)).status).toBe(409);

    await asFixture(() => app.strapi.documents(CREDIT as any).create({
      data: { teacher: u.teacher.teacher!.documentId, hours: 20, date: '2025-11-01', schoolYear: '2025-2026', category: 'online', source: 'manual', status: 'approved' },
    }));
    const issued = await app.http().post('/api/certificates').set(as('decider')).send({ data: { teacher: u.teacher.teacher!.documentId, tier: 'C', schoolYear: '2025-2026' } });
    expect(issued.status).toBe(201);
    const id = issued.body.data.documentId;
    expect((await put(CERTIFICATE, id, { status: 'revoked' })).status).toBe(400);
    for (const data of [{ serialNumber: 'XY-2025-C-999999' }, { revocationReason: '管理端撤销' }, { verificationCode: 'AAAAAAAAAAAAAAAAAAAA' }]) {
      expect((await put(CERTIFICATE, id, data)).status).toBe(409);
    }
    // Saving the form unchanged is fine.
    expect((await put(CERTIFICATE, id, { tier: 'C', schoolYear: '2025-2026', serialNumber: issued.body.data.serialNumber })).status).toBe(200);
    expect(await row(CERTIFICATE, id)).toMatchObject({ status: 'valid', serialNumber: issued.body.data.serialNumber });
    expect((await post(CERTIFICATE, { tier: 'C', schoolYear: '2025-2026', serialNumber: 'XY-FAKE', verificationCode: 'X', issuedAt: new Date().toISOString(), snapshot: {} })).status).toBe(409);
  });
});

describe('the course status rename', () => {
  test('a database from before the rename keeps its course statuses (copied from the old column at boot)', async () => {
    const knex = app.strapi.db.connection;
    const created = await post(COURSE, course({ code: 'OLD-01' }));
    expect(created.status).toBe(201);
    // Recreate the old layout: a `status` column holding the value, the new column still empty.
    await knex.schema.alterTable('training_courses', (table) => table.string('status'));
    await knex('training_courses').where({ code: 'OLD-01' }).update({ status: 'closed', course_status: null });
    await app.restart();
    expect((await row(COURSE, created.body.data.documentId)).courseStatus).toBe('closed');
  });
});
