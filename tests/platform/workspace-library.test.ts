import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, staffSession, type AdminSession } from '../helpers/admin';
import { caseData, lessonData, scriptData } from '../helpers/content';
import { raceSame, tally } from '../helpers/race';

/*
 * Issue 15, researchers' workspace (src/workspace/library.ts): the selection round board, reviewer candidates
 * and assignment, finalising behind a preview, and the teachers' drafts awaiting review — admin routes guarded
 * by workspace actions, calling the REST API's own services.
 */
let app: TestApp;
const u: Record<string, TestUser> = {};
const staff: Record<string, AdminSession> = {};
const doc: Record<string, string> = {};
const sub: Record<string, string> = {};
const round: Record<string, string> = {};
const school: Record<string, { documentId: string; name: string }> = {};

const hour = 3600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
const YEAR = new Date(Date.now() - hour + 8 * hour).getUTCFullYear();
const as = (who: string) => bearer(u[who].jwt);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const panelGet = (who: string, path: string) => app.http().get(`/xinyu${path}`).set(staff[who].headers);
const panelPost = (who: string, path: string, body: unknown) => app.http().post(`/xinyu${path}`).set(staff[who].headers).send(body as object);
const candidates = async (who: string, submission: string, qs = '') => {
  const res = await panelGet(who, `/selection/submissions/${submission}/candidates${qs}`);
  expect([submission, res.status]).toEqual([submission, 200]);
  return (res.body.data as { username: string }[]).map((c) => c.username).sort();
};
const usernames = (...who: string[]) => who.map((w) => u[w].user.username).sort();
const assign = (submission: string, reviewer: string, who = 'researcher') => panelPost(who, '/selection/reviews', { data: { submission, reviewer } });

async function publish(uid: 'api::lesson-plan.lesson-plan' | 'api::counseling-case.counseling-case', data: Record<string, unknown>, author: string, schoolKey: string) {
  const created = await app.strapi.documents(uid).create({ data: { ...data, author: u[author].teacher!.documentId, school: school[schoolKey].documentId } as never, status: 'published' });
  return created.documentId as string;
}

async function openRound(library: string, title: string, minReviews = 1) {
  const libraryId = (await app.strapi.db.query('api::library.library').findOne({ where: { key: library } })).documentId;
  const created = await app.http().post('/api/selection-rounds').set(as('r1')).send({
    data: {
      title, library: libraryId, year: YEAR, quota: 5, minReviews,
      submissionOpensAt: iso(-hour), submissionClosesAt: iso(hour), reviewDeadline: iso(2 * hour),
      rubric: [{ key: 'design', name: '设计', weight: 1, minScore: 0, maxScore: 10 }],
    },
  });
  expect(created.status).toBe(201);
  const opened = await app.http().post(`/api/selection-rounds/${created.body.data.documentId}/transition`).set(as('r1')).send({ data: { status: 'open' } });
  expect(opened.status).toBe(200);
  return created.body.data.documentId as string;
}

async function submit(who: string, roundId: string, resource: string) {
  const res = await app.http().post('/api/submissions').set(as(who)).send({ data: { round: roundId, resource } });
  expect([who, res.status]).toEqual([who, 201]);
  return res.body.data.documentId as string;
}

beforeAll(async () => {
  app = await startApp();
  school.e1 = await createSchool(app.strapi, { name: '工作台东区一校', district: '工作台东区' });
  school.e2 = await createSchool(app.strapi, { name: '工作台东区二校', district: '工作台东区' });
  school.n = await createSchool(app.strapi, { name: '工作台北区学校', district: '工作台北区' });
  const teacher = (name: string, positions: string[], schoolKey: string) => createUser(app.strapi, { role: 'teacher', teacher: { name, positions, schoolDocumentId: school[schoolKey].documentId } });
  u.aE = await teacher('东一作者', ['subject'], 'e1');
  u.mhE = await teacher('东一心理', ['mh_fulltime'], 'e1');
  u.aW = await teacher('东二作者', ['homeroom', 'subject'], 'e2');
  u.mhW = await teacher('东二心理', ['mh_fulltime'], 'e2');
  u.mhN = await teacher('北区心理', ['mh_parttime', 'subject'], 'n');
  u.subjN = await teacher('北区学科', ['subject'], 'n');
  u.r1 = await createUser(app.strapi, { role: 'researcher' });
  u.r2 = await createUser(app.strapi, { role: 'researcher' });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  // A blocked account cannot sign in to review: never offered.
  u.blocked = await createUser(app.strapi, { role: 'researcher' });
  await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: u.blocked.user.id }, data: { blocked: true } });

  doc.LE = await publish('api::lesson-plan.lesson-plan', lessonData({ title: '工作台情绪课' }), 'aE', 'e1');
  doc.LW = await publish('api::lesson-plan.lesson-plan', lessonData({ title: '工作台压力课' }), 'aW', 'e2');
  doc.LN = await publish('api::lesson-plan.lesson-plan', lessonData({ title: '工作台交往课' }), 'subjN', 'n');
  doc.CW = await publish('api::counseling-case.counseling-case', caseData({ title: '工作台辅导案例' }), 'mhW', 'e2');
  round.L = await openRound('demonstration-lessons', '工作台示范课遴选');
  round.C = await openRound('counseling-cases', '工作台案例遴选');
  sub.LE = await submit('aE', round.L, doc.LE);
  sub.LW = await submit('aW', round.L, doc.LW);
  sub.LN = await submit('subjN', round.L, doc.LN);
  sub.CW = await submit('mhW', round.C, doc.CW);

  staff.researcher = await staffSession(app, 'xinyu-researcher', { level: 'city' });
  staff.northResearcher = await staffSession(app, 'xinyu-researcher', { level: 'district', district: '工作台北区' });
  staff.unscoped = await staffSession(app, 'xinyu-researcher', null);
  staff.coordinator = await staffSession(app, 'xinyu-coordinator', { level: 'city' });
  staff.reviewer = await staffSession(app, 'xinyu-reviewer', { level: 'city' });
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

describe('researchers\' workspace: guarded admin routes', () => {
  const routes = () => [
    ['GET', '/selection/rounds', undefined],
    ['GET', `/selection/rounds/${round.C}`, undefined],
    ['POST', `/selection/rounds/${round.C}/transition`, { data: { status: 'reviewing' } }],
    ['GET', `/selection/rounds/${round.C}/preview`, undefined],
    ['POST', `/selection/rounds/${round.C}/finalise`, { data: {} }],
    ['GET', `/selection/submissions/${sub.CW}/candidates`, undefined],
    ['POST', '/selection/reviews', { data: { submission: sub.CW, reviewer: u.r1.user.username } }],
    ['GET', '/drafts', undefined],
  ] as const;

  test('no sign-in → 401; coordinator and reviewer roles (no workspace action) → 403; a researcher without a scope → 403', async () => {
    for (const [method, path, body] of routes()) {
      const send = (headers: Record<string, string>) => (method === 'GET' ? app.http().get(`/xinyu${path}`).set(headers) : app.http().post(`/xinyu${path}`).set(headers).send(body ?? {}));
      expect([path, 'none', (await send({})).status]).toEqual([path, 'none', 401]);
      for (const who of ['coordinator', 'reviewer', 'unscoped']) expect([path, who, (await send(staff[who].headers)).status]).toEqual([path, who, 403]);
    }
    // Nothing was written by the refused requests.
    expect(await app.strapi.db.query('api::review.review').count({})).toBe(0);
    expect((await app.strapi.db.query('api::selection-round.selection-round').findOne({ where: { documentId: round.C } })).status).toBe('open');
  });

  test('the researcher role grants both actions; the super admin gets them too', async () => {
    const role = await app.strapi.db.query('admin::role').findOne({ where: { code: 'xinyu-researcher' } });
    const actions = (await app.strapi.db.query('admin::permission').findMany({ where: { role: { id: role.id }, action: { $startsWith: 'api::workspace.' } } })).map((p: { action: string }) => p.action).sort();
    expect(actions).toEqual(['api::workspace.drafts', 'api::workspace.library-progress', 'api::workspace.selection']);
    const admin = await adminSession(app);
    for (const path of ['/xinyu/drafts', '/xinyu/selection/rounds']) expect([path, (await app.http().get(path).set(admin.headers)).status]).toEqual([path, 200]);
  });
});

describe('selection round board', () => {
  test('rounds with their state and live submissions; one round\'s submissions stay blind', async () => {
    const list = await panelGet('researcher', '/selection/rounds');
    expect(list.status).toBe(200);
    const rows = list.body.data as { documentId: string; title: string; status: string; year: number; submissions: number; library: { key: string } }[];
    expect(rows.find((r) => r.documentId === round.L)).toMatchObject({ title: '工作台示范课遴选', status: 'open', year: YEAR, submissions: 3, library: { key: 'demonstration-lessons' } });
    expect(rows.find((r) => r.documentId === round.C)).toMatchObject({ status: 'open', submissions: 1 });

    const detail = await panelGet('researcher', `/selection/rounds/${round.L}`);
    expect(detail.status).toBe(200);
    expect(detail.body.data.round).toMatchObject({ documentId: round.L, status: 'open', minReviews: 1, quota: 5 });
    expect(detail.body.data.submissions.map((s: { resourceTitle: string }) => s.resourceTitle)).toEqual(['工作台情绪课', '工作台压力课', '工作台交往课']);
    // Blind review: as REST shows submissions to researchers — no submitter, no school.
    const text = JSON.stringify(detail.body);
    for (const hidden of ['东一作者', '东二作者', '北区学科', school.e1.name, school.e2.name, school.n.name]) expect([hidden, text.includes(hidden)]).toEqual([hidden, false]);
    for (const s of detail.body.data.submissions) expect(Object.keys(s)).not.toEqual(expect.arrayContaining(['submitter']));
    expect(detail.body.data.submissions[0]).not.toHaveProperty('school');
    expect((await panelGet('researcher', '/selection/rounds/nope')).status).toBe(404);
  });

  test('candidates are filtered by the assignment\'s own rule: not the submitter, not their school, cases only to who may read them', async () => {
    // LE by aE (school e1): everyone but aE and e1's teachers.
    expect(await candidates('researcher', sub.LE)).toEqual(usernames('r1', 'r2', 'aW', 'mhW', 'mhN', 'subjN'));
    // A counselling case by mhW (school e2): researchers and mental-health teachers of other schools.
    expect(await candidates('researcher', sub.CW)).toEqual(usernames('r1', 'r2', 'mhE', 'mhN'));
    // A district researcher is offered the researchers and the teachers of their district only.
    expect(await candidates('northResearcher', sub.LE)).toEqual(usernames('r1', 'r2', 'mhN', 'subjN'));
    // Searching by teacher name; the view names the school.
    const found = await panelGet('researcher', `/selection/submissions/${sub.LE}/candidates?q=${encodeURIComponent('北区')}`);
    expect(found.body.data.map((c: { name: string }) => c.name).sort()).toEqual(['北区学科', '北区心理']);
    expect(found.body.data[0]).toMatchObject({ role: 'teacher', school: '工作台北区学校' });
    const limited = await panelGet('researcher', `/selection/submissions/${sub.LE}/candidates?limit=2`);
    expect([limited.body.data.length, limited.body.meta.truncated]).toEqual([2, true]);
    expect((await panelGet('researcher', `/selection/submissions/${sub.LE}/candidates?q=a&q=b`)).body.error.details.errors[0].path).toEqual(['q']);
    expect((await panelGet('researcher', '/selection/submissions/nope/candidates')).status).toBe(404);
  });

  test('assigning: a candidate is assigned through the REST service; a non-candidate is still refused by it', async () => {
    const ok = await assign(sub.LE, u.mhN.user.username);
    expect(ok.status).toBe(201);
    expect(ok.body.data).toMatchObject({ status: 'assigned', reviewer: u.mhN.user.username });
    expect(await candidates('researcher', sub.LE)).not.toContain(u.mhN.user.username);
    expect((await assign(sub.LE, u.mhN.user.username)).status).toBe(409);

    expect((await assign(sub.LE, u.aE.user.username)).status).toBe(409); // the submitter
    expect((await assign(sub.LE, u.mhE.user.username)).status).toBe(409); // the submitter's school
    const noCases = await assign(sub.CW, u.subjN.user.username);
    expect(noCases.status).toBe(400);
    expect(noCases.body.error.details.errors[0].path).toEqual(['reviewer']);
    expect((await assign(sub.CW, u.coordinator.user.username)).body.error.details.errors[0].path).toEqual(['reviewer']);
    expect((await assign(sub.CW, 'nobody-at-all')).body.error.details.errors[0].path).toEqual(['reviewer']);

    // Malformed input: 400 naming the field.
    const missing = await panelPost('researcher', '/selection/reviews', { data: { reviewer: u.r1.user.username } });
    expect([missing.status, missing.body.error.details.errors[0].path]).toEqual([400, ['submission']]);
    const extra = await panelPost('researcher', '/selection/reviews', { data: { submission: sub.LE, reviewer: u.r1.user.username, status: 'submitted' } });
    expect([extra.status, extra.body.error.details.errors[0].path]).toEqual([400, ['status']]);
    const notObject = await panelPost('researcher', '/selection/reviews', { data: 'x' });
    expect([notObject.status, notObject.body.error.details.errors[0].path]).toEqual([400, ['data']]);
    expect((await assign('nope', u.r1.user.username)).status).toBe(404);
    expect(await app.strapi.db.query('api::review.review').count({})).toBe(1);
  });

  test('10 concurrent assignments of one reviewer over HTTP: exactly one succeeds', async () => {
    const responses = await raceSame(app, 10, (client) => client.post('/xinyu/selection/reviews').set(staff.researcher.headers).send({ data: { submission: sub.CW, reviewer: u.r1.user.username } }));
    expect(tally(responses)).toEqual({ 201: 1, 409: 9 });
    expect(await app.strapi.db.query('api::review.review').count({ where: { submission: { documentId: sub.CW } } })).toBe(1);
  });

  test('transitions: open → reviewing; anything else is a 400 naming status, or a 409 out of order', async () => {
    for (const status of [undefined, 'finalised', 'closed', 7]) {
      const res = await panelPost('researcher', `/selection/rounds/${round.L}/transition`, { data: { status } });
      expect([status, res.status, res.body.error.details.errors[0].path]).toEqual([status, 400, ['status']]);
    }
    expect((await panelPost('researcher', `/selection/rounds/${round.L}/transition`, { data: { status: 'open' } })).status).toBe(409);
    // Preview and finalise only once the round is reviewing.
    expect((await panelGet('researcher', `/selection/rounds/${round.L}/preview`)).status).toBe(409);
    // Assigned before review starts, one more while it runs.
    expect((await assign(sub.LE, u.r2.user.username)).status).toBe(201);
    const moved = await panelPost('researcher', `/selection/rounds/${round.L}/transition`, { data: { status: 'reviewing' } });
    expect([moved.status, moved.body.data.status]).toEqual([200, 'reviewing']);
    expect((await assign(sub.LW, u.r2.user.username)).status).toBe(201);
    expect((await panelPost('researcher', '/selection/rounds/nope/transition', { data: { status: 'reviewing' } })).status).toBe(404);
  });

  test('review progress: per submission its reviewers and their status, per reviewer assigned and submitted', async () => {
    const reviewOf = async (who: string, resource: string) => {
      const mine = await app.http().get('/api/reviews').set(as(who));
      return mine.body.data.find((r: { submission: { resourceDocumentId: string } }) => r.submission.resourceDocumentId === resource).documentId as string;
    };
    for (const [resource, score] of [[doc.LE, 9], [doc.LW, 7]] as const) {
      const scored = await app.http().put(`/api/reviews/${await reviewOf('r2', resource)}`).set(as('r2')).send({ data: { scores: { design: score }, comment: '评审意见' } });
      expect(scored.status).toBe(200);
    }
    const detail = await panelGet('researcher', `/selection/rounds/${round.L}`);
    const bySubmission = Object.fromEntries(detail.body.data.submissions.map((s: { documentId: string; reviews: { reviewer: { username: string }; status: string }[] }) => [s.documentId, s.reviews.map((r) => [r.reviewer.username, r.status]).sort()]));
    expect(bySubmission[sub.LE]).toEqual([[u.mhN.user.username, 'assigned'], [u.r2.user.username, 'submitted']].sort());
    expect(bySubmission[sub.LW]).toEqual([[u.r2.user.username, 'submitted']]);
    expect(bySubmission[sub.LN]).toEqual([]);
    const progress = Object.fromEntries(detail.body.data.reviewers.map((r: { username: string; name: string | null; assigned: number; submitted: number }) => [r.username, [r.name, r.assigned, r.submitted]]));
    expect(progress).toEqual({ [u.mhN.user.username]: ['北区心理', 1, 0], [u.r2.user.username]: [null, 2, 2] });
  });

  test('the preview shows what finalise then selects; 10 concurrent finalises: exactly one', async () => {
    const preview = await panelGet('researcher', `/selection/rounds/${round.L}/preview`);
    expect(preview.status).toBe(200);
    const shown = preview.body.data;
    expect(shown.selected.map((s: { title: string; rank: number; awardLevel: string; score: number }) => [s.title, s.rank, s.awardLevel, s.score])).toEqual([
      ['工作台情绪课', 1, 'first', 9],
      ['工作台压力课', 2, 'second', 7],
    ]);
    expect(shown.incomplete.map((s: { submission: string }) => s.submission)).toEqual([sub.LN]);
    expect(shown.needsAllowIncomplete).toBe(true);
    expect(shown.library).toMatchObject({ target: 100, room: 100 });
    // The preview wrote nothing.
    expect((await app.strapi.db.query('api::selection-round.selection-round').findOne({ where: { documentId: round.L } })).status).toBe('reviewing');
    expect(await app.strapi.db.query('api::library-entry.library-entry').count({})).toBe(0);

    const incomplete = await panelPost('researcher', `/selection/rounds/${round.L}/finalise`, { data: {} });
    expect(incomplete.status).toBe(409);
    const bad = await panelPost('researcher', `/selection/rounds/${round.L}/finalise`, { data: { allowIncomplete: 'yes' } });
    expect([bad.status, bad.body.error.details.errors[0].path]).toEqual([400, ['allowIncomplete']]);
    const unknown = await panelPost('researcher', `/selection/rounds/${round.L}/finalise`, { data: { quota: 1 } });
    expect([unknown.status, unknown.body.error.details.errors[0].path]).toEqual([400, ['quota']]);

    const responses = await raceSame(app, 10, (client) => client.post(`/xinyu/selection/rounds/${round.L}/finalise`).set(staff.researcher.headers).send({ data: { allowIncomplete: true } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: 9 });
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.data.status).toBe('finalised');
    const entries = winner.body.meta.entries.map((e: { resourceDocumentId: string; rank: number; awardLevel: string; score: string | number }) => [e.resourceDocumentId, e.rank, e.awardLevel, Number(e.score)]);
    expect(entries).toEqual(shown.selected.map((s: { resourceDocumentId: string; rank: number; awardLevel: string; score: number }) => [s.resourceDocumentId, s.rank, s.awardLevel, s.score]));
    const statuses = await app.strapi.db.query('api::submission.submission').findMany({ where: { round: { documentId: round.L } }, orderBy: { id: 'asc' } });
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(['selected', 'selected', 'not_selected']);
    expect((await panelGet('researcher', `/selection/rounds/${round.L}/preview`)).status).toBe(409);
    expect((await panelGet('researcher', `/selection/submissions/${sub.LE}/candidates`)).status).toBe(409);
    // The library progress (the widget's route) counts them.
    const progress = await panelGet('researcher', '/widgets/library-progress');
    expect(progress.body.data.find((l: { key: string }) => l.key === 'demonstration-lessons')).toMatchObject({ selected: 2, remaining: 98 });
  });
});

describe('teachers\' drafts awaiting review', () => {
  const titles = (body: { data: { title: string }[] }) => body.data.map((d) => d.title).filter((t) => t.startsWith('草稿'));

  beforeAll(async () => {
    const create = async (who: string, path: string, data: Record<string, unknown>) => {
      const res = await app.http().post(path).set(as(who)).send({ data });
      expect([path, res.status]).toEqual([path, 201]);
      await wait(25);
      return res.body.data.documentId as string;
    };
    doc.draftLesson = await create('aE', '/api/lesson-plans', lessonData({ title: '草稿：东区情绪课' }));
    doc.draftScript = await create('subjN', '/api/psychodrama-scripts', scriptData({ title: '草稿：北区心理剧' }));
    doc.draftCase = await create('mhN', '/api/counseling-cases', caseData({ title: '草稿：北区辅导案例' }));
    // A researcher's own draft has no author: not a teacher's draft awaiting review.
    await app.strapi.documents('api::lesson-plan.lesson-plan').create({ data: lessonData({ title: '草稿：教研员自己的' }) as never });
    // A teacher's document once published is no longer awaiting review, even with a newer draft.
    await app.http().put(`/api/lesson-plans/${doc.LW}`).set(as('aW')).send({ data: { summary: '修改后的草稿' } });
  });

  test('never-published teacher drafts of all three types, newest first, with author and school', async () => {
    const res = await panelGet('researcher', '/drafts');
    expect(res.status).toBe(200);
    expect(titles(res.body)).toEqual(['草稿：北区辅导案例', '草稿：北区心理剧', '草稿：东区情绪课']);
    expect(res.body.data.map((d: { title: string }) => d.title)).not.toContain('工作台压力课');
    const lesson = res.body.data.find((d: { documentId: string }) => d.documentId === doc.draftLesson);
    expect(lesson).toMatchObject({ type: 'lesson-plan', uid: 'api::lesson-plan.lesson-plan', author: { name: '东一作者' }, school: { name: '工作台东区一校' } });
    expect(res.body.meta.pagination).toMatchObject({ page: 1, total: 3 });
  });

  test('by type and page; a bad type is a 400 naming it', async () => {
    expect(titles((await panelGet('researcher', '/drafts?type=counseling-case')).body)).toEqual(['草稿：北区辅导案例']);
    const second = await panelGet('researcher', '/drafts?page=2&pageSize=1');
    expect([titles(second.body), second.body.meta.pagination.pageCount]).toEqual([['草稿：北区心理剧'], 3]);
    expect((await panelGet('researcher', '/drafts?page=9')).body.data).toEqual([]);
    for (const type of ['bogus', ['lesson-plan', 'counseling-case']]) {
      const res = await app.http().get('/xinyu/drafts').query({ type }).set(staff.researcher.headers);
      expect([res.status, res.body.error.details.errors[0].path]).toEqual([400, ['type']]);
    }
  });

  test('publishing a draft takes it off the list', async () => {
    await app.strapi.documents('api::lesson-plan.lesson-plan').publish({ documentId: doc.draftLesson });
    expect(titles((await panelGet('researcher', '/drafts')).body)).toEqual(['草稿：北区辅导案例', '草稿：北区心理剧']);
  });
});
