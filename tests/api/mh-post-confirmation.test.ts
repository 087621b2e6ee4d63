import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, cm, type AdminSession } from '../helpers/admin';

/**
 * Dual control for mental-health posts: whoever gives a teacher an mh post (admin panel, Document Service,
 * roster import), counselling cases open only after a researcher confirms it, audited, never their own.
 */

const TEACHER = 'api::teacher.teacher';
let app: TestApp;
let admin: AdminSession;
const u: Record<string, TestUser> = {};
// A position change ends a teacher's earlier tokens (tests/platform/token-revocation.test.ts), so each call
// signs in afresh: what is tested here is the confirmation, not the token.
const signIn = (who: string) => app.strapi.plugin('users-permissions').service('jwt').issue({ id: u[who].user.id });
const cases = (who: string) => app.http().get('/api/counseling-cases').set(bearer(signIn(who)));
const confirm = (documentId: string, who = 'researcher') => app.http().post(`/api/teachers/${documentId}/confirm-mh-post`).set(bearer(signIn(who)));
const cmPut = (documentId: string, data: Record<string, unknown>) => app.http().put(cm.document(TEACHER, documentId)).set(admin.headers).send(data);
const stored = (documentId: string) => app.strapi.db.query(TEACHER).findOne({ where: { documentId } });
const audits = (documentId: string) => app.strapi.db.query('api::audit-event.audit-event').findMany({ where: { action: 'confirm-mh-post', entityDocumentId: documentId }, orderBy: { id: 'asc' } });
const pendingList = async (who = 'researcher') => {
  const res = await app.http().get('/api/teachers?filters[mhPostPending][$eq]=true&sort=staffNumber:asc').set(bearer(u[who].jwt));
  expect(res.status).toBe(200);
  return res.body.data.map((t) => t.staffNumber);
};

beforeAll(async () => {
  app = await startApp();
  const school = await createSchool(app.strapi);
  admin = await adminSession(app);
  u.researcher = await createUser(app.strapi, { role: 'researcher' });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.subject = await createUser(app.strapi, { role: 'teacher', teacher: { staffNumber: 'MH0001', name: '甲老师', positions: ['subject'], schoolDocumentId: school.documentId } });
  u.other = await createUser(app.strapi, { role: 'teacher', teacher: { staffNumber: 'MH0002', name: '乙老师', positions: ['homeroom'], schoolDocumentId: school.documentId } });
  // A researcher who also holds a teacher profile.
  u.researcherTeacher = await createUser(app.strapi, { role: 'researcher', teacher: { staffNumber: 'MH0003', name: '丙教研员', positions: ['subject'], schoolDocumentId: school.documentId } });
  u.fixtureMh = await createUser(app.strapi, { role: 'teacher', teacher: { staffNumber: 'MH0004', positions: ['mh_fulltime'] } });
});
afterAll(async () => {
  await app?.stop();
});

test('fixtures created as mental-health teachers are confirmed and read cases', async () => {
  expect((await cases('fixtureMh')).status).toBe(200);
  expect(await pendingList()).toEqual([]);
});

test('an mh post given in the admin panel opens cases only after a researcher confirms it', async () => {
  const id = u.subject.teacher!.documentId;
  expect((await cases('subject')).status).toBe(403);
  const edit = await cmPut(id, { positions: ['mh_fulltime', 'subject'] });
  expect(edit.status).toBe(200);
  expect(await stored(id)).toMatchObject({ positions: ['mh_fulltime', 'subject'], mhPostPending: true, mhPostConfirmedAt: null });
  expect((await cases('subject')).status).toBe(403);
  expect(await pendingList()).toEqual(['MH0001']);

  // The admin panel cannot confirm by writing the fields itself.
  const forged = await cmPut(id, { positions: ['mh_fulltime', 'subject'], mhPostConfirmedAt: new Date().toISOString(), mhPostConfirmedBy: 'admin', mhPostPending: false });
  expect(forged.status).toBe(200);
  expect(await stored(id)).toMatchObject({ mhPostPending: true, mhPostConfirmedAt: null, mhPostConfirmedBy: null });
  expect((await cases('subject')).status).toBe(403);

  // Only researchers confirm: not the teacher, not a coordinator.
  expect((await confirm(id, 'subject')).status).toBe(403);
  expect((await confirm(id, 'coordinator')).status).toBe(403);
  const confirmed = await confirm(id);
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.data).toMatchObject({ documentId: id, mhPostPending: false });
  expect((await cases('subject')).status).toBe(200);
  expect(await pendingList()).toEqual([]);

  const trail = await audits(id);
  expect(trail.map((e) => [e.actorUsername, e.entityType, e.after.mhPostConfirmedBy])).toEqual([[u.researcher.user.username, 'teacher', u.researcher.user.username]]);
  // Confirmation details stay private in the content API.
  const one = await app.http().get(`/api/teachers/${id}`).set(bearer(u.researcher.jwt));
  expect(one.status).toBe(200);
  expect(one.body.data).not.toHaveProperty('mhPostConfirmedAt');
  expect(one.body.data).not.toHaveProperty('mhPostConfirmedBy');

  // Saving the teacher again in the panel with the same post keeps the confirmation.
  expect((await cmPut(id, { name: '甲老师（改）', positions: ['mh_fulltime', 'subject'] })).status).toBe(200);
  expect((await cases('subject')).status).toBe(200);
});

test('losing the mh post closes cases; getting it back needs a new confirmation', async () => {
  const id = u.subject.teacher!.documentId;
  await app.strapi.documents(TEACHER).update({ documentId: id, data: { positions: ['subject'] } as any });
  expect(await stored(id)).toMatchObject({ mhPostPending: false, mhPostConfirmedAt: null });
  expect((await cases('subject')).status).toBe(403);
  expect((await confirm(id)).status).toBe(409);

  await app.strapi.documents(TEACHER).update({ documentId: id, data: { positions: ['mh_parttime', 'subject'] } as any });
  expect((await cases('subject')).status).toBe(403);
  expect(await pendingList('coordinator')).toEqual(['MH0001']);
  expect((await confirm(id)).status).toBe(200);
  expect((await cases('subject')).status).toBe(200);
  expect((await audits(id)).length).toBe(2);
});

test('a Document Service create with an mh post starts pending', async () => {
  const created = await app.strapi.documents(TEACHER).create({
    data: { name: '丁老师', staffNumber: 'MH0005', positions: ['mh_parttime'], mhPostConfirmedAt: new Date(), mhPostPending: false } as any,
  });
  expect(await stored(created.documentId)).toMatchObject({ mhPostPending: true, mhPostConfirmedAt: null });
  expect(await pendingList()).toEqual(['MH0005']);
});

test('a researcher who is also a teacher cannot confirm their own post; another researcher can', async () => {
  const id = u.researcherTeacher.teacher!.documentId;
  expect((await cmPut(id, { positions: ['mh_fulltime'] })).status).toBe(200);
  const own = await confirm(id, 'researcherTeacher');
  expect(own.status).toBe(403);
  expect(await stored(id)).toMatchObject({ mhPostPending: true, mhPostConfirmedAt: null });
  expect(await audits(id)).toEqual([]);
  expect((await confirm(id)).status).toBe(200);
  expect(await stored(id)).toMatchObject({ mhPostPending: false, mhPostConfirmedBy: u.researcher.user.username });
});

test('confirming someone without an mh post, or nobody, is refused', async () => {
  expect((await confirm(u.other.teacher!.documentId)).status).toBe(409);
  expect((await confirm('no-such-teacher')).status).toBe(404);
  expect((await app.http().post(`/api/teachers/${u.other.teacher!.documentId}/confirm-mh-post`)).status).toBe(403);
});
