import fs from 'fs';
import os from 'os';
import path from 'path';
import { randomBytes } from 'crypto';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, cm, staffSession as staffSessionOf } from '../helpers/admin';
import { race, tally } from '../helpers/race';
import labelsFile from '../../database/reference/admin-labels.json';

/*
 * Issue 15 item 1: staff work within their level — the city, one district or one school — through the REST
 * API and through the admin panel (RBAC condition api::within-scope). Outside the scope a teacher and
 * everything of theirs answers 404, and a filter naming another district finds nothing.
 */
const asFixture = <T>(run: () => Promise<T>): Promise<T> => require('../../dist/src/shared/decision').asDecision('fixture', run);
const SCOPE_UID = 'api::staff-scope.staff-scope';
const CREDIT_UID = 'api::credit-record.credit-record';
const TEACHER_UID = 'api::teacher.teacher';

let app: TestApp;
const u: Record<string, TestUser> = {};
const school: Record<string, { documentId: string; code: string }> = {};
const rec: Record<string, string> = {};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scopes-'));

const as = (who: string) => bearer(u[who].jwt);
const names = (body: { data: { name: string }[] }) => body.data.map((t) => t.name).sort();

async function scopeFor(user: TestUser, scope: Record<string, unknown>) {
  await app.strapi.documents(SCOPE_UID).create({ data: { ...scope, account: user.user.documentId } as never });
}

async function record(teacher: string, status: 'pending' | 'approved', hours = 2) {
  const created = await asFixture(() => app.strapi.documents(CREDIT_UID).create({
    data: { teacher: u[teacher].teacher!.documentId, hours, status, category: 'online', date: '2026-01-10', schoolYear: '2025-2026', source: 'manual' } as never,
  }));
  return created.documentId as string;
}

beforeAll(async () => {
  app = await startApp();
  const e1 = await createSchool(app.strapi, { code: 'SC-E1', name: '东湖一小', district: '东湖区' });
  const e2 = await createSchool(app.strapi, { code: 'SC-E2', name: '东湖二中', district: '东湖区' });
  const w1 = await createSchool(app.strapi, { code: 'SC-W1', name: '西山一中', district: '西山县' });
  Object.assign(school, { e1, e2, w1 });
  u.tE1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '东一老师', schoolDocumentId: e1.documentId, positions: ['mh_parttime', 'homeroom'], staffNumber: 'SC-T-E1' } });
  u.tE2 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '东二老师', schoolDocumentId: e2.documentId, positions: ['subject'], staffNumber: 'SC-T-E2' } });
  u.tW1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '西一老师', schoolDocumentId: w1.documentId, positions: ['mh_fulltime'], staffNumber: 'SC-T-W1' } });
  u.city = await createUser(app.strapi, { role: 'coordinator' });
  u.east = await createUser(app.strapi, { role: 'coordinator' });
  u.eastSchool = await createUser(app.strapi, { role: 'coordinator' });
  u.eastResearcher = await createUser(app.strapi, { role: 'researcher' });
  await scopeFor(u.east, { level: 'district', district: '东湖区' });
  await scopeFor(u.eastSchool, { level: 'school', school: e1.documentId });
  await scopeFor(u.eastResearcher, { level: 'district', district: '东湖区' });
  // Tokens were issued before the scopes: sign-ins are re-read, so nothing here is cached from before.
  for (const t of ['tE1', 'tE2', 'tW1']) {
    rec[`${t}:pending`] = await record(t, 'pending');
    rec[`${t}:approved`] = await record(t, 'approved', 20);
  }
});
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await app?.stop();
});

describe('REST: a district or school coordinator sees and decides only their own', () => {
  test('teacher lists: city all, district its schools, school its own; a filter on another district finds nothing', async () => {
    const list = async (who: string, qs = '') => {
      const res = await app.http().get(`/api/teachers?pagination[pageSize]=100${qs}`).set(as(who));
      expect(res.status).toBe(200);
      return names(res.body).filter((n) => n.endsWith('老师'));
    };
    expect(await list('city')).toEqual(['东一老师', '东二老师', '西一老师'].sort());
    expect(await list('east')).toEqual(['东一老师', '东二老师'].sort());
    expect(await list('eastSchool')).toEqual(['东一老师']);
    expect(await list('eastResearcher')).toEqual(['东一老师', '东二老师'].sort());
    // Oracle pair: naming the other district answers the same as naming a district that does not exist.
    expect(await list('east', `&filters[school][district][$eq]=${encodeURIComponent('西山县')}`)).toEqual([]);
    expect(await list('east', `&filters[school][district][$eq]=${encodeURIComponent('不存在区')}`)).toEqual([]);
  });

  test('a teacher outside the scope is 404 to read, transcript, resend activation and mental-health confirmation', async () => {
    const w1 = u.tW1.teacher!.documentId;
    expect((await app.http().get(`/api/teachers/${w1}`).set(as('east'))).status).toBe(404);
    expect((await app.http().get(`/api/teachers/${u.tE1.teacher!.documentId}`).set(as('east'))).status).toBe(200);
    expect((await app.http().get(`/api/transcripts/${w1}?schoolYear=2025-2026`).set(as('east'))).status).toBe(404);
    expect((await app.http().get(`/api/transcripts/${u.tE2.teacher!.documentId}?schoolYear=2025-2026`).set(as('eastSchool'))).status).toBe(404);
    expect((await app.http().get(`/api/transcripts/${u.tE1.teacher!.documentId}?schoolYear=2025-2026`).set(as('eastSchool'))).status).toBe(200);
    expect((await app.http().post(`/api/teachers/${w1}/resend-activation`).set(as('east'))).status).toBe(404);
    expect((await app.http().post(`/api/teachers/${w1}/confirm-mh-post`).set(as('eastResearcher'))).status).toBe(404);
  });

  test('credit records: the list holds the scope only; another district\'s record is 404 to read, decide, reverse and download', async () => {
    const res = await app.http().get('/api/credit-records?pagination[pageSize]=100').set(as('east'));
    expect(res.status).toBe(200);
    const ids = new Set(res.body.data.map((r: { documentId: string }) => r.documentId));
    expect(ids.has(rec['tE1:pending']) && ids.has(rec['tE2:pending'])).toBe(true);
    expect(ids.has(rec['tW1:pending']) || ids.has(rec['tW1:approved'])).toBe(false);
    expect((await app.http().get(`/api/credit-records/${rec['tW1:pending']}`).set(as('east'))).status).toBe(404);
    expect((await app.http().get(`/api/credit-records/${rec['tW1:pending']}/evidence`).set(as('east'))).status).toBe(404);
    expect((await app.http().post(`/api/credit-records/${rec['tW1:pending']}/approve`).set(as('east'))).status).toBe(404);
    expect((await app.http().post(`/api/credit-records/${rec['tW1:approved']}/reverse`).set(as('east')).send({ data: { reason: '核对' } })).status).toBe(404);
    // All or nothing: one record outside the scope fails the whole decision, the one inside stays pending.
    const mixed = await app.http().post('/api/credit-records/decisions').set(as('east')).send({ data: { records: [rec['tE2:pending'], rec['tW1:pending']], decision: 'approved' } });
    expect(mixed.status).toBe(404);
    expect(mixed.body.error.message).toContain(rec['tW1:pending']);
    const still = await app.strapi.db.query(CREDIT_UID).findOne({ where: { documentId: rec['tE2:pending'] } });
    expect(still.status).toBe('pending');
    // Inside the scope the same decision goes through.
    expect((await app.http().post(`/api/credit-records/${rec['tE2:pending']}/approve`).set(as('east'))).status).toBe(200);
    // The school coordinator cannot reach the other school of the same district.
    expect((await app.http().post(`/api/credit-records/${rec['tE2:approved']}/reverse`).set(as('eastSchool')).send({ data: { reason: '核对' } })).status).toBe(404);
  });

  test('hours and certificates for a teacher outside the scope: unknown teacher', async () => {
    const hours = await app.http().post('/api/credit-records').set(as('east')).send({ data: { teacher: u.tW1.teacher!.documentId, category: 'online', hours: 2, date: '2026-01-11' } });
    expect(hours.status).toBe(400);
    expect(hours.body.error.details.errors[0].path).toEqual(['teacher']);
    const cert = await app.http().post('/api/certificates').set(as('east')).send({ data: { teacher: u.tW1.teacher!.documentId, tier: 'A', schoolYear: '2025-2026' } });
    expect(cert.status).toBe(400);
    expect(cert.body.error.message).toContain('not found');
    const inside = await app.http().post('/api/credit-records').set(as('east')).send({ data: { teacher: u.tE1.teacher!.documentId, category: 'online', hours: 2, date: '2026-01-11' } });
    expect(inside.status).toBe(201);
  });

  test('course completion: a teacher of another district is not enrolled as far as a district coordinator can tell', async () => {
    const course = await app.strapi.documents('api::training-course.training-course').create({
      data: { title: '心理健康教育教师培训', code: `SC-C-${randomBytes(2).toString('hex')}`, tier: 'A', audiencePositions: ['mh_fulltime'], level: 'city', mode: 'in_person', creditHours: 8, modules: [{ title: '全程', hours: 8 }], schoolYear: '2025-2026', startDate: '2025-10-01', endDate: '2025-10-02', capacity: 10, courseStatus: 'open' } as never,
    });
    expect((await app.http().post(`/api/training-courses/${course.documentId}/enrol`).set(as('tW1'))).status).toBe(201);
    const refused = await app.http().post(`/api/training-courses/${course.documentId}/complete`).set(as('east')).send({ data: { teachers: [u.tW1.teacher!.documentId] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('not enrolled');
    expect(await app.strapi.db.query('api::enrolment.enrolment').count({ where: { status: 'completed' } })).toBe(0);
    expect((await app.http().post(`/api/training-courses/${course.documentId}/complete`).set(as('city')).send({ data: { teachers: [u.tW1.teacher!.documentId] } })).status).toBe(200);
  });

  test('a certificate of another district is 404 to read and revoke', async () => {
    const certificate = await asFixture(() => app.strapi.documents('api::certificate.certificate').create({
      data: { teacher: u.tW1.teacher!.documentId, tier: 'A', schoolYear: '2025-2026', status: 'valid', serialNumber: `XY-2025-A-${randomBytes(3).toString('hex')}`, verificationCode: randomBytes(16).toString('hex'), issuedAt: new Date(), hours: 20, snapshot: {} } as never,
    }));
    expect((await app.http().get(`/api/certificates/${certificate.documentId}`).set(as('east'))).status).toBe(404);
    expect((await app.http().post(`/api/certificates/${certificate.documentId}/revoke`).set(as('east')).send({ data: { reason: '误发' } })).status).toBe(404);
    expect((await app.http().get(`/api/certificates/${certificate.documentId}`).set(as('city'))).status).toBe(200);
  });

  test('compliance report: defaults to the own district or school; another district or school is 403', async () => {
    const report = (who: string, qs: string) => app.http().get(`/api/reports/compliance?schoolYear=2025-2026${qs}`).set(as(who));
    const own = await report('east', '');
    expect(own.status).toBe(200);
    expect(new Set(own.body.data.map((row: { district: string }) => row.district))).toEqual(new Set(['东湖区']));
    expect((await report('east', `&district=${encodeURIComponent('西山县')}`)).status).toBe(403);
    expect((await report('east', '&school=SC-W1')).status).toBe(403);
    expect((await report('east', '&school=SC-E2')).status).toBe(200);
    const mine = await report('eastSchool', '');
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.data.map((row: { schoolCode: string }) => row.schoolCode))).toEqual(new Set(['SC-E1']));
    expect((await report('eastSchool', '&school=SC-E2')).status).toBe(403);
    expect((await report('city', `&district=${encodeURIComponent('西山县')}`)).status).toBe(200);
  });

  test('imports: rows for schools or teachers outside the scope are row errors, and nothing is written', async () => {
    const roster = path.join(tmp, 'roster.csv');
    fs.writeFileSync(roster, ['工号,姓名,学校代码,岗位', 'SC-NEW-1,新东老师,SC-E1,专任教师', 'SC-NEW-2,新西老师,SC-W1,专任教师', 'SC-T-W1,西一老师,SC-E1,专职心理教师'].join('\n'));
    const res = await app.http().post('/api/teachers/import').set(as('east')).attach('file', roster);
    expect(res.status).toBe(400);
    const errors = res.body.error.details.errors as { row: number; column: string; reason: string }[];
    expect(errors.map((e) => [e.row, e.column])).toEqual([[3, 'schoolCode'], [4, 'staffNumber']]);
    expect(errors[0].reason).toContain('outside your scope');
    expect(await app.strapi.db.query(TEACHER_UID).count({ where: { staffNumber: { $in: ['SC-NEW-1', 'SC-NEW-2'] } } })).toBe(0);

    const sheet = path.join(tmp, 'attendance.csv');
    fs.writeFileSync(sheet, ['工号,培训日期,学时,培训类别,记录编号', 'SC-T-E1,2026-03-01,2,网络培训,SC-A-1', 'SC-T-W1,2026-03-01,2,网络培训,SC-A-2'].join('\n'));
    const attendance = await app.http().post('/api/credit-records/import').set(as('east')).attach('file', sheet);
    expect(attendance.status).toBe(400);
    expect(attendance.body.error.details.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([[3, 'staffNumber']]);
  });
});

describe('staff scopes are checked whatever the client', () => {
  test('a district scope needs its district, a school scope its school, and a scope one owner', async () => {
    const someone = await createUser(app.strapi, { role: 'coordinator' });
    await expect(app.strapi.documents(SCOPE_UID).create({ data: { level: 'district', account: someone.user.documentId } as never })).rejects.toThrow(/district/);
    await expect(app.strapi.documents(SCOPE_UID).create({ data: { level: 'school', account: someone.user.documentId } as never })).rejects.toThrow(/school/);
    await expect(app.strapi.documents(SCOPE_UID).create({ data: { level: 'city' } as never })).rejects.toThrow(/exactly one/);
    await expect(app.strapi.documents(SCOPE_UID).create({ data: { level: 'city', account: someone.user.documentId, adminUserId: 99 } as never })).rejects.toThrow(/exactly one/);
  });

  test('a scope assigned after sign-in binds the next request (the sign-in cache follows scope changes)', async () => {
    const later = await createUser(app.strapi, { role: 'coordinator' });
    const count = async () => (await app.http().get('/api/teachers?pagination[pageSize]=100').set(bearer(later.jwt))).body.data.filter((t: { name: string }) => t.name.endsWith('老师')).length;
    expect(await count()).toBe(3);
    await scopeFor(later, { level: 'school', school: school.w1.documentId });
    expect(await count()).toBe(1);
  });
});

describe('admin panel: staff roles from the versioned file, limited by their scope', () => {
  const staff: Record<string, { headers: { Authorization: string } }> = {};

  const staffSession = (roleCode: string, scope: Record<string, unknown> | null) => staffSessionOf(app, roleCode, scope);

  beforeAll(async () => {
    staff.cityCoordinator = await staffSession('xinyu-coordinator', { level: 'city' });
    staff.eastCoordinator = await staffSession('xinyu-coordinator', { level: 'district', district: '东湖区' });
    staff.schoolLead = await staffSession('xinyu-school-lead', { level: 'school', school: school.e1.documentId });
    staff.unscoped = await staffSession('xinyu-coordinator', null);
    staff.reviewer = await staffSession('xinyu-reviewer', { level: 'city' });
  });

  const cmNames = async (who: string, uid: string, qs = '') => {
    const res = await app.http().get(`${cm.collection(uid)}?pageSize=100${qs}`).set(staff[who].headers);
    return { status: res.status, names: (res.body.results ?? []).map((r: { name?: string }) => r.name).filter((n: string | undefined) => n?.endsWith('老师')).sort() as string[], body: res.body };
  };

  test('the four staff roles exist, and a second sync changes nothing', async () => {
    const codes = (await app.strapi.db.query('admin::role').findMany({ select: ['code'] })).map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['xinyu-researcher', 'xinyu-coordinator', 'xinyu-school-lead', 'xinyu-reviewer']));
    const permissions = await app.strapi.db.query('admin::permission').count({});
    const { syncAdminRoles } = require('../../dist/src/platform/admin-roles');
    expect(await syncAdminRoles(app.strapi)).toEqual({ created: 0, updated: 0 });
    // Field permissions name the same fields the super admin's do (the panel greys out any field not named).
    const fieldsOf = async (code: string, action: string, subject: string) => {
      const role = await app.strapi.db.query('admin::role').findOne({ where: { code } });
      const permission = await app.strapi.db.query('admin::permission').findOne({ where: { role: { id: role.id }, action, subject } });
      return [...(permission?.properties?.fields ?? [])].sort();
    };
    for (const action of ['plugin::content-manager.explorer.create', 'plugin::content-manager.explorer.read', 'plugin::content-manager.explorer.update']) {
      for (const subject of ['api::lesson-plan.lesson-plan', 'api::psychodrama-script.psychodrama-script']) {
        expect([action, subject, await fieldsOf('xinyu-researcher', action, subject)]).toEqual([action, subject, await fieldsOf('strapi-super-admin', action, subject)]);
      }
    }
    const reviewerFields = await fieldsOf('xinyu-reviewer', 'plugin::content-manager.explorer.read', 'api::lesson-plan.lesson-plan');
    expect(reviewerFields).toEqual((await fieldsOf('strapi-super-admin', 'plugin::content-manager.explorer.read', 'api::lesson-plan.lesson-plan')).filter((f) => f !== 'author' && f !== 'school'));
    expect(await app.strapi.db.query('admin::permission').count({})).toBe(permissions);
  });

  test('Content Manager lists are limited to the scope: city, district, school; no scope, nothing', async () => {
    expect((await cmNames('cityCoordinator', TEACHER_UID)).names).toEqual(['东一老师', '东二老师', '西一老师'].sort());
    expect((await cmNames('eastCoordinator', TEACHER_UID)).names).toEqual(['东一老师', '东二老师'].sort());
    expect((await cmNames('schoolLead', TEACHER_UID)).names).toEqual(['东一老师']);
    const none = await cmNames('unscoped', TEACHER_UID);
    expect(none.names).toEqual([]);
    // Credit records follow their teacher's school.
    const records = await app.http().get(`${cm.collection(CREDIT_UID)}?pageSize=100`).set(staff.eastCoordinator.headers);
    expect(records.status).toBe(200);
    const ids = new Set(records.body.results.map((r: { documentId: string }) => r.documentId));
    expect(ids.has(rec['tE1:pending'])).toBe(true);
    expect(ids.has(rec['tW1:pending'])).toBe(false);
    const lead = await app.http().get(`${cm.collection(CREDIT_UID)}?pageSize=100`).set(staff.schoolLead.headers);
    const leadIds = new Set(lead.body.results.map((r: { documentId: string }) => r.documentId));
    expect(leadIds.has(rec['tE1:approved']) && !leadIds.has(rec['tE2:approved'])).toBe(true);
  });

  test('reading a document outside the scope through the Content Manager is refused', async () => {
    const outside = await app.http().get(cm.document(TEACHER_UID, u.tW1.teacher!.documentId)).set(staff.eastCoordinator.headers);
    expect([403, 404]).toContain(outside.status);
    expect(JSON.stringify(outside.body)).not.toContain('西一老师');
    const inside = await app.http().get(cm.document(TEACHER_UID, u.tE2.teacher!.documentId)).set(staff.eastCoordinator.headers);
    expect(inside.status).toBe(200);
    expect(inside.body.data.name).toBe('东二老师');
    const record = await app.http().get(cm.document(CREDIT_UID, rec['tW1:approved'])).set(staff.eastCoordinator.headers);
    expect([403, 404]).toContain(record.status);
  });

  test('the coordinator\'s panel role reads the ledger but cannot edit a record in place', async () => {
    const res = await app.http().put(cm.document(CREDIT_UID, rec['tE1:pending'])).set(staff.eastCoordinator.headers).send({ hours: 99 });
    expect(res.status).toBe(403);
  });

  test('the reviewer reads lesson plans without their author or school', async () => {
    const author = u.tE1.teacher!.documentId;
    const lesson = await app.strapi.documents('api::lesson-plan.lesson-plan').create({
      data: { ...require('../helpers/content').lessonData({ title: '评审可读课例' }), author, school: school.e1.documentId } as never,
      status: 'published',
    });
    const res = await app.http().get(cm.document('api::lesson-plan.lesson-plan', lesson.documentId)).set(staff.reviewer.headers);
    expect(res.status).toBe(200);
    expect(res.body.data.title).toBe('评审可读课例');
    expect(res.body.data.author).toBeUndefined();
    expect(res.body.data.school).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('东一老师');
  });

  test('the Content Manager labels every field of every type and component in Chinese; a boot puts back a label changed by hand', async () => {
    const admin = await adminSession(app);
    const labels = labelsFile as unknown as { contentTypes: Record<string, Record<string, string>>; components: Record<string, Record<string, string>> };
    const missing: string[] = [];
    for (const [uid, fields] of Object.entries(labels.contentTypes)) {
      if (!(uid in app.strapi.contentTypes)) continue;
      const res = await app.http().get(`/content-manager/content-types/${uid}/configuration`).set(admin.headers);
      expect([uid, res.status]).toEqual([uid, 200]);
      const metadatas = res.body.data.contentType.metadatas as Record<string, { edit: { label: string }; list: { label: string } }>;
      for (const [field, label] of Object.entries(fields)) {
        if (metadatas[field] && (metadatas[field].edit.label !== label || metadatas[field].list.label !== label)) missing.push(`${uid}.${field}`);
      }
      // Every field the panel shows has a Chinese label.
      for (const field of Object.keys(metadatas)) if (!['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'].includes(field) && !(field in fields)) missing.push(`${uid}.${field} (not in the file)`);
    }
    for (const [uid, fields] of Object.entries(labels.components)) {
      const res = await app.http().get(`/content-manager/components/${uid}/configuration`).set(admin.headers);
      expect([uid, res.status]).toEqual([uid, 200]);
      const metadatas = res.body.data.component.metadatas as Record<string, { edit: { label: string } }>;
      for (const [field, label] of Object.entries(fields)) if (metadatas[field] && metadatas[field].edit.label !== label) missing.push(`${uid}.${field}`);
    }
    expect(missing).toEqual([]);
    expect(labels.contentTypes['api::lesson-plan.lesson-plan'].title).toMatch(/^[\u4e00-\u9fff]+ /);

    const service = app.strapi.plugin('content-manager').service('content-types');
    const uid = 'api::lesson-plan.lesson-plan';
    const current = await service.findConfiguration({ uid });
    await service.updateConfiguration({ uid }, { settings: current.settings, layouts: current.layouts, metadatas: { ...current.metadatas, title: { ...current.metadatas.title, edit: { ...current.metadatas.title.edit, label: 'Title' } } } });
    const { syncAdminLabels } = require('../../dist/src/platform/admin-labels');
    expect(await syncAdminLabels(app.strapi)).toBe(1);
    expect((await service.findConfiguration({ uid })).metadatas.title.edit.label).toBe(labels.contentTypes[uid].title);
    expect(await syncAdminLabels(app.strapi)).toBe(0);
  });

  test('workspace widgets: each role sees the widget its permissions grant, and the compliance chart stops at the scope', async () => {
    const researcher = await staffSession('xinyu-researcher', { level: 'city' });
    const progress = await app.http().get('/xinyu/widgets/library-progress').set(researcher.headers);
    expect(progress.status).toBe(200);
    expect(progress.body.data.map((l: { key: string }) => l.key).sort()).toEqual(['counseling-cases', 'demonstration-lessons', 'psychodramas']);
    expect(progress.body.data.every((l: { target: number; selected: number }) => l.target === 100 && l.selected >= 0)).toBe(true);
    expect((await app.http().get('/xinyu/widgets/compliance').set(researcher.headers)).status).toBe(403);
    expect((await app.http().get('/xinyu/widgets/compliance')).status).toBe(401);

    const areas = async (who: string) => {
      const res = await app.http().get('/xinyu/widgets/compliance?schoolYear=2025-2026').set(staff[who].headers);
      expect([who, res.status]).toEqual([who, 200]);
      return res.body.data;
    };
    const city = await areas('cityCoordinator');
    expect(city.level).toBe('district');
    expect(city.areas.map((a: { area: string }) => a.area).sort()).toEqual(['东湖区', '西山县'].sort());
    const east = await areas('eastCoordinator');
    expect(east.level).toBe('school');
    expect(east.areas.map((a: { area: string }) => a.area).sort()).toEqual(['东湖一小', '东湖二中'].sort());
    const lead = await areas('schoolLead');
    expect(lead.areas.map((a: { area: string }) => a.area)).toEqual(['东湖一小']);
    // The bars are the REST report's own drill-down numbers for the same area (each teacher counted once).
    const report = await app.http().get('/api/reports/compliance?schoolYear=2025-2026&groupBy=teacher&school=SC-E1').set(as('city'));
    expect(report.status).toBe(200);
    expect(lead.areas[0]).toMatchObject({ teachers: report.body.data.totals.teachers, meeting: report.body.data.totals.meeting });
    expect(lead.areas[0].teachers).toBe(report.body.data.teachers.length);
    // Staff without a scope are told so; a malformed school year is a 400 naming it.
    expect((await app.http().get('/xinyu/widgets/compliance').set(staff.unscoped.headers)).status).toBe(403);
    const bad = await app.http().get('/xinyu/widgets/compliance?schoolYear=2025').set(staff.cityCoordinator.headers);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toEqual(['schoolYear']);
  });

  test('compliance page: the drill-down starts at the scope and never leaves it; exports carry the same rows', async () => {
    const get = (who: string, qs: string) => app.http().get(`/xinyu/compliance?schoolYear=2025-2026${qs}`).set(staff[who].headers);
    const city = await get('cityCoordinator', '');
    expect(city.status).toBe(200);
    expect([city.body.data.groupBy, city.body.data.areas.map((a: { key: string }) => a.key).sort()]).toEqual(['district', ['东湖区', '西山县'].sort()]);
    const westTeachers = await get('cityCoordinator', `&groupBy=teacher&district=${encodeURIComponent('西山县')}`);
    expect(westTeachers.body.data.teachers.map((t: { name: string }) => t.name)).toContain('西一老师');

    // A district coordinator starts at their district's schools; another district, or a school of it, is refused.
    const east = await get('eastCoordinator', '');
    expect([east.status, east.body.data.groupBy, east.body.data.area]).toEqual([200, 'school', { district: '东湖区' }]);
    expect(east.body.data.areas.map((a: { key: string }) => a.key).sort()).toEqual(['SC-E1', 'SC-E2']);
    expect((await get('eastCoordinator', `&district=${encodeURIComponent('西山县')}`)).status).toBe(403);
    expect((await get('eastCoordinator', '&school=SC-W1&groupBy=teacher')).status).toBe(403);
    expect((await get('eastCoordinator', '&groupBy=district')).body.data.areas.map((a: { key: string }) => a.key)).toEqual(['东湖区']);
    const eastTeachers = await get('eastCoordinator', '&school=SC-E1&groupBy=teacher');
    expect(eastTeachers.body.data.teachers.map((t: { name: string }) => t.name)).toEqual(['东一老师']);

    // A school lead sees the teachers of their school, and nothing else.
    const lead = await get('schoolLead', '');
    expect([lead.status, lead.body.data.groupBy, lead.body.data.area.school]).toEqual([200, 'teacher', 'SC-E1']);
    expect(lead.body.data.teachers.map((t: { name: string }) => t.name)).toEqual(['东一老师']);
    expect((await get('schoolLead', '&school=SC-E2&groupBy=teacher')).status).toBe(403);
    expect((await get('schoolLead', `&district=${encodeURIComponent('东湖区')}`)).status).toBe(403);

    const csv = await get('schoolLead', '&format=csv');
    expect([csv.status, csv.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
    expect(csv.text).toContain('东一老师');
    expect(csv.text).not.toContain('东二老师');
    expect((await get('schoolLead', '&format=xlsx')).headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((await get('schoolLead', '&format=html')).body.error.details.errors[0].path).toEqual(['format']);

    // Roles without the permission, and nobody signed in.
    expect((await get('reviewer', '')).status).toBe(403);
    expect((await app.http().get('/xinyu/compliance')).status).toBe(401);
    expect((await get('unscoped', '')).status).toBe(403);
  });

  test('approval queue: pending records of the scope only; decisions through the ledger, once, audited with the panel user', async () => {
    const queue = async (who: string) => {
      const res = await app.http().get('/xinyu/approvals').set(staff[who].headers);
      expect([who, res.status]).toEqual([who, 200]);
      return res.body.data.map((r: { documentId: string }) => r.documentId) as string[];
    };
    const pendingE1 = await record('tE1', 'pending', 3);
    const pendingW1 = await record('tW1', 'pending', 3);
    const east = await queue('eastCoordinator');
    expect(east).toContain(pendingE1);
    expect(east).not.toContain(pendingW1);
    expect(await queue('cityCoordinator')).toEqual(expect.arrayContaining([pendingE1, pendingW1]));
    expect((await app.http().get('/xinyu/approvals').set(staff.schoolLead.headers)).status).toBe(403);

    const decide = (who: string, data: Record<string, unknown>) => app.http().post('/xinyu/approvals/decisions').set(staff[who].headers).send({ data });
    expect((await decide('eastCoordinator', { records: [pendingW1], decision: 'approved' })).status).toBe(404);
    const noReason = await decide('eastCoordinator', { records: [pendingE1], decision: 'rejected' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.errors[0].path).toEqual(['reason']);
    expect((await decide('eastCoordinator', { records: [pendingE1], decision: 'maybe' })).status).toBe(400);

    // Ten approvals of one record at once through the panel: exactly one decides it.
    const responses = await race(app, Array.from({ length: 10 }, () => (client) => client.post('/xinyu/approvals/decisions').set(staff.eastCoordinator.headers).send({ data: { records: [pendingE1], decision: 'approved' } })));
    expect(tally(responses)).toEqual({ 200: 1, 409: 9 });
    const decided = await app.strapi.db.query(CREDIT_UID).findOne({ where: { documentId: pendingE1 }, populate: { decidedBy: true } });
    expect([decided.status, decided.decidedBy]).toEqual(['approved', null]);
    const trail = await app.strapi.db.query('api::audit-event.audit-event').findMany({ where: { entityDocumentId: pendingE1, action: 'approve' } });
    expect(trail.map((e: { actorUsername: string }) => e.actorUsername)).toEqual([expect.stringMatching(/^admin:staff-.*@test\.invalid$/)]);
    expect(await queue('eastCoordinator')).not.toContain(pendingE1);
  });
});
