import { startApp, createUser, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, cm, type AdminSession } from '../helpers/admin';
import { caseData, lessonData, scriptData } from '../helpers/content';

// Every curriculum type is edited the same ways: by its author while a draft, by researchers, fully and
// partially, through REST and through the admin panel's content manager — and the rules hold on each path.
let app: TestApp;
let researcher: TestUser;
let author: TestUser;
let otherTeacher: TestUser;
let admin: AdminSession;

const TYPES = [
  {
    name: 'lesson plan',
    uid: 'api::lesson-plan.lesson-plan',
    path: '/api/lesson-plans',
    data: lessonData,
    partial: { summary: '修改后的简介：认识情绪并学会表达。' },
    partialCheck: (doc: any) => doc.summary === '修改后的简介：认识情绪并学会表达。',
    // Steps must fill the lesson exactly: no version of the steps here adds up to 41 minutes.
    broken: { durationMinutes: 41 },
    brokenField: 'steps',
    full: (title: string) => lessonData({ title, durationMinutes: 45, steps: [
      { phase: 'warm_up', minutes: 5, teacherActions: '放松练习', studentActivities: '深呼吸' },
      { phase: 'activity', minutes: 30, teacherActions: '情景表演', studentActivities: '分组表演' },
      { phase: 'summary', minutes: 10, teacherActions: '总结', studentActivities: '写感受' },
    ] }),
    fullCheck: (doc: any) => doc.durationMinutes === 45 && doc.steps.length === 3,
  },
  {
    name: 'psychodrama script',
    uid: 'api::psychodrama-script.psychodrama-script',
    path: '/api/psychodrama-scripts',
    data: scriptData,
    partial: { synopsis: '修改后的梗概：小林学会面对考试压力。' },
    partialCheck: (doc: any) => doc.synopsis === '修改后的梗概：小林学会面对考试压力。',
    broken: { techniques: ['hypnosis'] },
    brokenField: 'techniques',
    full: (title: string) => scriptData({ title, castSize: 6, techniques: ['mirror'], scenes: [{ title: '教室', setting: '教室', script: '同学们围坐一圈。' }] }),
    fullCheck: (doc: any) => doc.castSize === 6 && doc.scenes.length === 1 && doc.techniques.join() === 'mirror',
  },
  {
    name: 'counselling case',
    uid: 'api::counseling-case.counseling-case',
    path: '/api/counseling-cases',
    data: caseData,
    partial: { reflection: '修改后的反思：适应问题宜早发现。' },
    partialCheck: (doc: any) => doc.reflection === '修改后的反思：适应问题宜早发现。',
    broken: { consentObtained: false },
    brokenField: 'consentObtained',
    full: (title: string) => caseData({ title, format: 'group', approaches: ['cbt'], sessions: [{ focus: '团体破冰', whatWasDone: '团体游戏', observation: '气氛融洽' }] }),
    fullCheck: (doc: any) => doc.format === 'group' && doc.sessions.length === 1 && doc.approaches.join() === 'cbt',
  },
] as const;


async function stored(uid: string, documentId: string) {
  return app.strapi.documents(uid as any).findOne({ documentId, status: 'draft', populate: ['steps', 'scenes', 'roles', 'sessions'].filter((name) => name in app.strapi.getModel(uid as any).attributes) as any });
}

beforeAll(async () => {
  app = await startApp();
  researcher = await createUser(app.strapi, { role: 'researcher' });
  // A full-time mental-health teacher may write all three types, counselling cases included.
  author = await createUser(app.strapi, { role: 'teacher', teacher: { name: '林心怡', positions: ['mh_fulltime'] } });
  otherTeacher = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['mh_fulltime'] } });
  admin = await adminSession(app);
});
afterAll(async () => {
  await app?.stop();
});

describe.each(TYPES)('$name', (type) => {
  let draftId: string;
  let publishedId: string;

  beforeAll(async () => {
    const draft = await app.http().post(type.path).set(bearer(author.jwt)).send({ data: type.data({ title: `${type.name} 作者草稿` }) });
    expect(draft.status).toBe(201);
    draftId = draft.body.data.documentId;
    const published = await app.http().post(type.path).set(bearer(researcher.jwt)).send({ data: type.data({ title: `${type.name} 已发布` }) });
    expect(published.status).toBe(201);
    expect(published.body.data.publishedAt).not.toBeNull();
    publishedId = published.body.data.documentId;
  });

  test('the author edits their draft partially over REST; it stays a draft', async () => {
    const res = await app.http().put(`${type.path}/${draftId}`).set(bearer(author.jwt)).send({ data: type.partial });
    expect(res.status).toBe(200);
    expect(res.body.data.publishedAt).toBeNull();
    expect(type.partialCheck(await stored(type.uid, draftId))).toBe(true);
  });

  test('the author replaces their draft in full over REST', async () => {
    const res = await app.http().put(`${type.path}/${draftId}`).set(bearer(author.jwt)).send({ data: type.full(`${type.name} 作者全改`) });
    expect(res.status).toBe(200);
    const doc = await stored(type.uid, draftId);
    expect(doc!.title).toBe(`${type.name} 作者全改`);
    expect(type.fullCheck(doc)).toBe(true);
  });

  test('a researcher edits a published document partially and in full over REST', async () => {
    const partial = await app.http().put(`${type.path}/${publishedId}`).set(bearer(researcher.jwt)).send({ data: type.partial });
    expect(partial.status).toBe(200);
    const full = await app.http().put(`${type.path}/${publishedId}`).set(bearer(researcher.jwt)).send({ data: type.full(`${type.name} 教研员全改`) });
    expect(full.status).toBe(200);
    expect(full.body.data.title).toBe(`${type.name} 教研员全改`);
    expect(type.fullCheck(await stored(type.uid, publishedId))).toBe(true);
  });

  test('a partial edit that breaks a rule is refused naming the field, and nothing changes', async () => {
    const before = await stored(type.uid, draftId);
    const res = await app.http().put(`${type.path}/${draftId}`).set(bearer(author.jwt)).send({ data: type.broken });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path[0]).toBe(type.brokenField);
    const after = await stored(type.uid, draftId);
    expect(after!.updatedAt).toEqual(before!.updatedAt);
  });

  test("another teacher cannot edit the author's draft", async () => {
    const res = await app.http().put(`${type.path}/${draftId}`).set(bearer(otherTeacher.jwt)).send({ data: type.partial });
    expect(res.status).toBe(403);
  });

  test('the admin panel edits partially and in full, publishes, and keeps the same rules', async () => {
    const partial = await app.http().put(cm.document(type.uid, draftId)).set(admin.headers).send(type.partial);
    expect(partial.status).toBe(200);
    expect(type.partialCheck(await stored(type.uid, draftId))).toBe(true);

    const full = await app.http().put(cm.document(type.uid, draftId)).set(admin.headers).send(type.full(`${type.name} 面板全改`));
    expect(full.status).toBe(200);
    const doc = await stored(type.uid, draftId);
    expect(doc!.title).toBe(`${type.name} 面板全改`);
    expect(type.fullCheck(doc)).toBe(true);

    const broken = await app.http().put(cm.document(type.uid, draftId)).set(admin.headers).send(type.broken);
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body.error)).toContain(type.brokenField);
    expect((await stored(type.uid, draftId))!.title).toBe(`${type.name} 面板全改`);

    const published = await app.http().post(cm.action(type.uid, draftId, 'publish')).set(admin.headers).send({});
    expect(published.status).toBe(200);
    const live = await app.strapi.documents(type.uid as any).findOne({ documentId: draftId, status: 'published' });
    expect(live!.title).toBe(`${type.name} 面板全改`);
  });

  test('an unknown key in data is a 400 naming it, on create and update', async () => {
    const created = await app.http().post(type.path).set(bearer(researcher.jwt)).send({ data: { ...type.data({ title: `${type.name} 未知字段` }), colour: 'red' } });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body.error)).toContain('colour');
    const updated = await app.http().put(`${type.path}/${draftId}`).set(bearer(author.jwt)).send({ data: { colour: 'red' } });
    expect(updated.status).toBe(400);
    expect(JSON.stringify(updated.body.error)).toContain('colour');
  });

  test('a missing document is 404 on every write route; deleting twice is 204 then 404', async () => {
    const missing = 'nope00000000000000000000';
    expect((await app.http().put(`${type.path}/${missing}`).set(bearer(researcher.jwt)).send({ data: type.partial })).status).toBe(404);
    expect((await app.http().delete(`${type.path}/${missing}`).set(bearer(researcher.jwt))).status).toBe(404);
    expect((await app.http().post(`${type.path}/${missing}/publish`).set(bearer(researcher.jwt))).status).toBe(404);
    expect((await app.http().post(`${type.path}/${missing}/unpublish`).set(bearer(researcher.jwt))).status).toBe(404);
    const doomed = await app.http().post(type.path).set(bearer(researcher.jwt)).send({ data: type.data({ title: `${type.name} 待删除` }) });
    expect((await app.http().delete(`${type.path}/${doomed.body.data.documentId}`).set(bearer(researcher.jwt))).status).toBe(204);
    expect((await app.http().delete(`${type.path}/${doomed.body.data.documentId}`).set(bearer(researcher.jwt))).status).toBe(404);
    expect(await app.strapi.db.query(type.uid as any).count({ where: { documentId: doomed.body.data.documentId } })).toBe(0);
  });

  test('the admin panel creates a document through the same rules', async () => {
    const bad = await app.http().post(cm.collection(type.uid)).set(admin.headers).send({ ...type.data({ title: `${type.name} 面板新建错误` }), ...type.broken });
    expect(bad.status).toBe(400);
    const good = await app.http().post(cm.collection(type.uid)).set(admin.headers).send(type.data({ title: `${type.name} 面板新建` }));
    expect(good.status).toBe(201);
    expect(good.body.data.slug).toBeTruthy();
  });
});

