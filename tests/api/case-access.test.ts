import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { caseData, lessonData } from '../helpers/content';

// Counselling cases — every field — reach only researchers and teachers holding a mental-health post, on every
// path: content lists and reads, search, library entries, submissions, reviews, and populate from any type.
let app: TestApp;
const u: Record<string, TestUser> = {};
let caseId: string;
let formerCaseId: string;
let roundId: string;
const sub: Record<string, string> = {};
const rev: Record<string, string> = {};
// Words found only in the cases: none may reach a teacher without an MH post or a coordinator.
const CASE_WORDS = ['保密辅导案例', '沙盘里的小岛', '离职前的案例'];
const DENIED = ['subject', 'homeroom', 'coordinator'];
const ALLOWED = ['mh', 'researcher'];

const as = (who: string) => bearer(u[who].jwt);
const get = (who: string, path: string) => app.http().get(path).set(as(who));
const hour = 3600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
const YEAR = new Date(Date.now() - hour + 8 * hour).getUTCFullYear();
const assign = (submission: string, reviewer: string) =>
  app.http().post('/api/reviews').set(as('researcher')).send({ data: { submission, reviewer } });
const hasCaseContent = (body: unknown) => CASE_WORDS.some((word) => JSON.stringify(body).includes(word));

beforeAll(async () => {
  app = await startApp();
  const school = await createSchool(app.strapi, { name: '案例权限测试学校' });
  const other = await createSchool(app.strapi, { name: '案例评审学校' });
  const teacher = (name: string, positions: string[], schoolDocumentId = other.documentId) =>
    createUser(app.strapi, { role: 'teacher', teacher: { name, positions, schoolDocumentId } });
  u.author = await teacher('案例作者', ['mh_fulltime'], school.documentId);
  u.former = await teacher('曾任心理教师', ['mh_parttime'], school.documentId);
  u.subject = await teacher('学科教师', ['subject']);
  u.homeroom = await teacher('班主任', ['homeroom', 'subject']);
  u.mh = await teacher('心理教师', ['mh_parttime', 'subject']);
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.researcher = await createUser(app.strapi, { role: 'researcher' });
  u.researcher2 = await createUser(app.strapi, { role: 'researcher' });
  const created = await app.strapi.documents('api::counseling-case.counseling-case').create({
    data: { ...caseData({ title: '保密辅导案例', background: '学生小B（化名）在沙盘里的小岛上反复摆放围栏。' }), author: u.author.teacher!.documentId, school: school.documentId } as any,
    status: 'published',
  });
  caseId = created.documentId;
  const former = await app.strapi.documents('api::counseling-case.counseling-case').create({
    data: { ...caseData({ title: '离职前的案例' }), author: u.former.teacher!.documentId, school: school.documentId } as any,
    status: 'published',
  });
  formerCaseId = former.documentId;
  await app.strapi.documents('api::lesson-plan.lesson-plan').create({
    data: { ...lessonData({ title: '公开的课' }), author: u.author.teacher!.documentId, school: school.documentId } as any,
    status: 'published',
  });
  const library = await app.strapi.db.query('api::library.library' as any).findOne({ where: { key: 'counseling-cases' } });
  const round = await app.http().post('/api/selection-rounds').set(as('researcher')).send({
    data: {
      title: '优秀心理辅导案例遴选', library: library.documentId, year: YEAR, quota: 5, minReviews: 1,
      submissionOpensAt: iso(-hour), submissionClosesAt: iso(hour), reviewDeadline: iso(2 * hour),
      rubric: [{ key: 'design', name: '辅导设计', weight: 1, minScore: 0, maxScore: 10 }],
    },
  });
  expect(round.status).toBe(201);
  roundId = round.body.data.documentId;
  expect((await app.http().post(`/api/selection-rounds/${roundId}/transition`).set(as('researcher')).send({ data: { status: 'open' } })).status).toBe(200);
  for (const [key, who, resource] of [['case', 'author', caseId], ['former', 'former', formerCaseId]]) {
    const res = await app.http().post('/api/submissions').set(as(who)).send({ data: { round: roundId, resource } });
    expect([key, res.status]).toEqual([key, 201]);
    sub[key] = res.body.data.documentId;
  }
  // The former MH teacher now teaches a subject only: their own case is no longer theirs to read.
  await app.strapi.documents('api::teacher.teacher').update({ documentId: u.former.teacher!.documentId, data: { positions: ['subject'] } as any });
  // The change ended their earlier token (src/platform/token-revocation.ts); they sign in again.
  u.former = { ...u.former, jwt: app.strapi.plugin('users-permissions').service('jwt').issue({ id: u.former.user.id }) };
});
afterAll(async () => {
  await app?.stop();
});

describe('assigning a counselling case for review', () => {
  test.each([['subject'], ['homeroom']])('a %s teacher cannot be assigned a case: 400 naming reviewer', async (who) => {
    const res = await assign(sub.case, u[who].user.username);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['reviewer']);
    expect(res.body.error.message).toContain('counselling cases');
  });

  test('a coordinator cannot be assigned: 400 naming reviewer', async () => {
    const res = await assign(sub.case, u.coordinator.user.username);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['reviewer']);
  });

  test('an MH teacher and a researcher can', async () => {
    for (const who of ['mh', 'researcher2']) {
      const res = await assign(sub.case, u[who].user.username);
      expect([who, res.status]).toEqual([who, 201]);
      rev[who] = res.body.data.documentId;
    }
    expect(await app.strapi.db.query('api::review.review' as any).count({ where: { submission: { documentId: sub.case } } })).toBe(2);
  });

  test('a subject teacher assigned before this rule (stored directly) still cannot read or score the case', async () => {
    // Below the Document Service (whose guard allows reviews only through POST /api/reviews), as an old row would be.
    const submission = await app.strapi.db.query('api::submission.submission' as any).findOne({ where: { documentId: sub.case } });
    const legacy = await app.strapi.db.query('api::review.review' as any).create({
      data: { documentId: 'legacyreviewsubject00001', submission: submission.id, reviewer: u.subject.user.id, status: 'assigned', assignmentKey: `legacy-${sub.case}` },
    });
    rev.subject = legacy.documentId;
    const one = await get('subject', `/api/reviews/${rev.subject}`);
    expect(one.status).toBe(403);
    expect(hasCaseContent(one.body)).toBe(false);
    const list = await get('subject', '/api/reviews');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    const scored = await app.http().put(`/api/reviews/${rev.subject}`).set(as('subject')).send({ data: { scores: { design: 5 }, comment: '试图评分' } });
    expect(scored.status).toBe(403);
    expect(hasCaseContent(scored.body)).toBe(false);
  });
});

describe('every path, for those who may not read cases', () => {
  const paths = () => [
    '/api/counseling-cases',
    `/api/counseling-cases/${caseId}`,
    `/api/counseling-cases?filters[title][$contains]=${encodeURIComponent('保密')}`,
    `/api/search?q=${encodeURIComponent('沙盘 小岛 保密 辅导 案例')}`,
    `/api/search?q=${encodeURIComponent('沙盘')}&types=counseling-case`,
    '/api/libraries/counseling-cases/entries',
    '/api/libraries',
    '/api/libraries/progress',
    '/api/submissions',
    `/api/submissions/${sub.case}`,
    `/api/submissions/${sub.former}`,
    '/api/reviews',
    `/api/reviews/${rev.mh}`,
    `/api/reviews/${rev.subject}`,
    '/api/lesson-plans?populate=*',
    '/api/psychodrama-scripts?populate=*',
    '/api/schools?populate=*',
    '/api/schools?populate[teachers][populate]=*',
    '/api/teachers?populate=*',
    `/api/selection-rounds/${roundId}?populate=*`,
    '/api/selection-rounds?populate=*',
    '/api/me',
  ];

  test.each(DENIED)('%s: 403, 404 or no case content anywhere', async (who) => {
    for (const path of paths()) {
      const res = await get(who, path);
      expect([path, res.status < 500]).toEqual([path, true]);
      expect([path, hasCaseContent(res.body)]).toEqual([path, false]);
    }
    for (const path of [`/api/counseling-cases`, `/api/counseling-cases/${caseId}`, '/api/libraries/counseling-cases/entries']) {
      expect([path, (await get(who, path)).status]).toEqual([path, 403]);
    }
    const search = await get(who, `/api/search?q=${encodeURIComponent('沙盘')}&types=counseling-case`);
    if (search.status === 200) expect(search.body.meta.pagination.total).toBe(0);
  });

  test('a teacher who no longer holds an MH post sees none of their own case submission', async () => {
    const list = await get('former', '/api/submissions');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect((await get('former', `/api/submissions/${sub.former}`)).status).toBe(404);
    const withdraw = await app.http().post(`/api/submissions/${sub.former}/withdraw`).set(as('former'));
    expect(withdraw.status).toBe(403);
    expect(hasCaseContent(withdraw.body)).toBe(false);
    expect((await get('former', `/api/counseling-cases/${formerCaseId}`)).status).toBe(403);
  });
});

describe('those who may read cases', () => {
  test.each(ALLOWED)('%s reads cases on lists, single reads and search', async (who) => {
    const list = await get(who, '/api/counseling-cases');
    expect(list.status).toBe(200);
    expect(list.body.data.map((c) => c.title).sort()).toEqual(['保密辅导案例', '离职前的案例'].sort());
    const one = await get(who, `/api/counseling-cases/${caseId}`);
    expect(one.body.data.background).toContain('沙盘里的小岛');
    const search = await get(who, `/api/search?q=${encodeURIComponent('沙盘')}&types=counseling-case`);
    expect(search.body.data.map((d) => d.documentId)).toContain(caseId);
  });

  test('the researcher sees case submissions; the MH author their own; the MH reviewer reads the case to review', async () => {
    const all = await get('researcher', '/api/submissions');
    expect(all.body.data.map((s) => s.resourceTitle).sort()).toEqual(['保密辅导案例', '离职前的案例'].sort());
    const own = await get('author', '/api/submissions');
    expect(own.body.data.map((s) => s.resourceTitle)).toEqual(['保密辅导案例']);
    const reviews = await get('mh', '/api/reviews');
    expect(reviews.body.data.map((r) => r.submission.resourceTitle)).toEqual(['保密辅导案例']);
    const review = await get('mh', `/api/reviews/${rev.mh}`);
    expect(review.status).toBe(200);
    expect(review.body.data.resource.sessions).toHaveLength(2);
    expect(review.body.data.resource.background).toContain('沙盘里的小岛');
  });

  test('once selected, the case is in the library for them, and still not for the others', async () => {
    expect((await app.http().post(`/api/selection-rounds/${roundId}/transition`).set(as('researcher')).send({ data: { status: 'reviewing' } })).status).toBe(200);
    for (const who of ['mh', 'researcher2']) {
      const res = await app.http().put(`/api/reviews/${rev[who]}`).set(as(who)).send({ data: { scores: { design: 9 }, comment: '辅导过程完整' } });
      expect([who, res.status]).toEqual([who, 200]);
    }
    const finalised = await app.http().post(`/api/selection-rounds/${roundId}/finalise`).set(as('researcher')).send({ allowIncomplete: true });
    expect(finalised.status).toBe(200);
    for (const who of ALLOWED) {
      const entries = await get(who, '/api/libraries/counseling-cases/entries');
      expect([who, entries.status]).toEqual([who, 200]);
      expect(entries.body.data.map((d) => d.title)).toEqual(['保密辅导案例']);
    }
    for (const who of DENIED) {
      const entries = await get(who, '/api/libraries/counseling-cases/entries');
      expect([who, entries.status]).toEqual([who, 403]);
      expect(hasCaseContent(entries.body)).toBe(false);
      const progress = await get(who, '/api/libraries/progress');
      expect(hasCaseContent(progress.body)).toBe(false);
    }
  });
});
