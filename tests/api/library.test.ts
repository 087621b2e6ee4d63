import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { lessonData, scriptData, themeIds } from '../helpers/content';

let app: TestApp;
const u: Record<string, TestUser> = {};
const lesson: Record<string, string> = {};
const sub: Record<string, string> = {};
const rev: Record<string, string> = {};
let roundId: string;
let publish: (key: string, who: string, overrides: Record<string, unknown>) => Promise<void>;
let libraryId: string;
let psychodramasId: string;
// Distinctive names: none of them may reach a reviewer while the round is under review.
const SECRET = ['申报人甲', '申报人乙', '申报人丙', '青溪申报学校', '西山申报学校'];

const as = (who: string) => bearer(u[who].jwt);
const hour = 3600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
// A round's year is the (Beijing) year its submission window opens; the test rounds open an hour ago.
const YEAR = new Date(Date.now() - hour + 8 * hour).getUTCFullYear();
const roundData = (overrides: Record<string, unknown> = {}) => ({
  title: '2026年度心理活动示范课遴选',
  library: libraryId,
  year: YEAR,
  quota: 2,
  submissionOpensAt: iso(-hour),
  submissionClosesAt: iso(hour),
  reviewDeadline: iso(2 * hour),
  minReviews: 2,
  rubric: [
    { key: 'design', name: '教学设计', weight: 0.6, minScore: 0, maxScore: 10 },
    { key: 'effect', name: '实施效果', weight: 0.4, minScore: 0, maxScore: 10 },
  ],
  ...overrides,
});
const transition = (status: string, id = roundId) =>
  app.http().post(`/api/selection-rounds/${id}/transition`).set(as('r1')).send({ data: { status } });
const score = (who: string, review: string, scores: Record<string, unknown>, comment = '设计完整') =>
  app.http().put(`/api/reviews/${review}`).set(as(who)).send({ data: { scores, comment } });
const assign = (submission: string, reviewer: string) =>
  app.http().post('/api/reviews').set(as('r1')).send({ data: { submission, reviewer } });
const roundStatus = async (id = roundId) => (await app.strapi.documents('api::selection-round.selection-round' as any).findOne({ documentId: id }))!.status;

beforeAll(async () => {
  app = await startApp();
  const east = await createSchool(app.strapi, { name: '青溪申报学校' });
  const west = await createSchool(app.strapi, { name: '西山申报学校' });
  u.a1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '申报人甲', schoolDocumentId: east.documentId, positions: ['subject'] } });
  u.a2 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '申报人乙', schoolDocumentId: east.documentId, positions: ['homeroom'] } });
  u.b1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '申报人丙', schoolDocumentId: west.documentId, positions: ['subject'] } });
  u.expertEast = await createUser(app.strapi, { role: 'teacher', teacher: { name: '评审专家', schoolDocumentId: east.documentId, positions: ['mh_fulltime'] } });
  u.r1 = await createUser(app.strapi, { role: 'researcher' });
  u.r2 = await createUser(app.strapi, { role: 'researcher' });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  const [emotion, stress] = await themeIds(app.strapi, 'emotion-regulation', 'stress-management');
  publish = async (key: string, who: string, overrides: Record<string, unknown>) => {
    const doc = await app.strapi.documents('api::lesson-plan.lesson-plan').create({
      data: { ...lessonData(overrides), author: u[who].teacher!.documentId, school: (await app.strapi.documents('api::teacher.teacher').findOne({ documentId: u[who].teacher!.documentId, populate: ['school'] }) as any).school.documentId } as any,
      status: 'published',
    });
    lesson[key] = doc.documentId;
  };
  await publish('L1', 'a1', { title: '情绪调色盘', themes: [emotion] });
  await publish('L2', 'a2', { title: '压力气球', themes: [stress] });
  await publish('L3', 'b1', { title: '我的情绪日记', gradeBand: 'junior_secondary', gradeFrom: 7, gradeTo: 8, themes: [emotion, stress] });
  const library = await app.strapi.db.query('api::library.library' as any).findOne({ where: { key: 'demonstration-lessons' } });
  libraryId = library.documentId;
  psychodramasId = (await app.strapi.db.query('api::library.library' as any).findOne({ where: { key: 'psychodramas' } })).documentId;
});
afterAll(async () => {
  await app?.stop();
});

describe('a complete selection round', () => {
  test('the three libraries are reference data with a target of 100', async () => {
    const res = await app.http().get('/api/libraries').set(as('a1'));
    expect(res.status).toBe(200);
    expect(res.body.data.map((l) => [l.key, l.resourceType, l.target])).toEqual([
      ['demonstration-lessons', 'lesson-plan', 100],
      ['counseling-cases', 'counseling-case', 100],
      ['psychodramas', 'psychodrama-script', 100],
    ]);
  });

  test('a researcher creates a draft round (quota, window, rubric, minimum reviews)', async () => {
    const res = await app.http().post('/api/selection-rounds').set(as('r1')).send({ data: roundData() });
    expect(res.status).toBe(201);
    roundId = res.body.data.documentId;
    expect(res.body.data).toMatchObject({ status: 'draft', quota: 2, minReviews: 2, year: YEAR, library: { key: 'demonstration-lessons' } });
    expect(res.body.data.rubric.map((c) => [c.key, Number(c.weight)])).toEqual([['design', 0.6], ['effect', 0.4]]);
  });

  test('teachers cannot see or submit to a draft round', async () => {
    expect((await app.http().get(`/api/selection-rounds/${roundId}`).set(as('a1'))).status).toBe(404);
    const res = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: lesson.L1 } });
    expect(res.status).toBe(404);
  });

  test('skipping a step answers 409 and changes nothing', async () => {
    const res = await transition('reviewing');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('A draft round can only move to open, not reviewing');
    expect(await roundStatus()).toBe('draft');
  });

  test('open the round; going back answers 409', async () => {
    expect((await transition('open')).body.data.status).toBe('open');
    const back = await transition('draft');
    expect(back.status).toBe(409);
    expect(await roundStatus()).toBe('open');
  });

  test('teachers submit their own published lesson plans', async () => {
    for (const [key, who] of [['L1', 'a1'], ['L2', 'a2'], ['L3', 'b1']]) {
      const res = await app.http().post('/api/submissions').set(as(who)).send({ data: { round: roundId, resource: lesson[key] } });
      expect([key, res.status]).toEqual([key, 201]);
      expect(res.body.data).toMatchObject({ status: 'submitted', resourceType: 'lesson-plan', resourceTitle: expect.any(String) });
      sub[key] = res.body.data.documentId;
    }
  });

  test("a teacher cannot submit someone else's resource, the same resource twice, or the wrong kind", async () => {
    const other = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: lesson.L3 } });
    expect(other.status).toBe(403);
    const twice = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: lesson.L1 } });
    expect(twice.status).toBe(409);
    const script = await app.strapi.documents('api::psychodrama-script.psychodrama-script').create({
      data: { ...scriptData(), author: u.a1.teacher!.documentId } as any,
      status: 'published',
    });
    const wrongKind = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: script.documentId } });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.details.errors[0].path).toEqual(['resource']);
    const missing = await app.http().post('/api/submissions').set(as('a1')).send({ data: { resource: lesson.L1 } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.errors[0].path).toEqual(['round']);
    expect(await app.strapi.db.query('api::submission.submission' as any).count()).toBe(3);
  });

  test('a submission can be withdrawn while the round is open, and submitted again', async () => {
    const withdrawn = await app.http().post(`/api/submissions/${sub.L2}/withdraw`).set(as('a2'));
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.data.status).toBe('withdrawn');
    expect((await app.http().post(`/api/submissions/${sub.L1}/withdraw`).set(as('a2'))).status).toBe(404);
    const again = await app.http().post('/api/submissions').set(as('a2')).send({ data: { round: roundId, resource: lesson.L2 } });
    expect(again.status).toBe(201);
    sub.L2 = again.body.data.documentId;
  });

  test('researchers assign reviewers; 回避 refuses the submitter and anyone from the same school', async () => {
    for (const [s, reviewer] of [['L1', 'r1'], ['L1', 'r2'], ['L2', 'r1'], ['L2', 'r2'], ['L3', 'r1'], ['L3', 'r2'], ['L3', 'expertEast']]) {
      const res = await assign(sub[s], u[reviewer].user.username);
      expect([s, reviewer, res.status]).toEqual([s, reviewer, 201]);
      rev[`${s}:${reviewer}`] = res.body.data.documentId;
    }
    const sameSchool = await assign(sub.L1, u.expertEast.user.username);
    expect(sameSchool.status).toBe(409);
    expect(sameSchool.body.error.message).toBe('回避: a reviewer cannot review a submission from their own school');
    const own = await assign(sub.L3, u.b1.user.username);
    expect(own.status).toBe(409);
    expect(own.body.error.message).toBe('回避: a reviewer cannot review their own submission');
    const twice = await assign(sub.L1, u.r1.user.username);
    expect(twice.status).toBe(409);
    const nobody = await assign(sub.L1, 'no-such-user');
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.details.errors[0].path).toEqual(['reviewer']);
    expect(await app.strapi.db.query('api::review.review' as any).count()).toBe(7);
  });

  test('scores are refused until the round is reviewing; then withdrawal is refused', async () => {
    expect((await score('r1', rev['L1:r1'], { design: 9, effect: 8 })).status).toBe(409);
    expect((await transition('reviewing')).body.data.status).toBe('reviewing');
    const late = await app.http().post(`/api/submissions/${sub.L1}/withdraw`).set(as('a1'));
    expect(late.status).toBe(409);
    u.late = await createUser(app.strapi, { role: 'teacher', teacher: { name: '迟到的老师', positions: ['subject'] } });
    const extra = await app.strapi.documents('api::lesson-plan.lesson-plan').create({
      data: { ...lessonData({ title: '迟到的课' }), author: u.late.teacher!.documentId } as any,
      status: 'published',
    });
    const tooLate = await app.http().post('/api/submissions').set(as('late')).send({ data: { round: roundId, resource: extra.documentId } });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error.message).toBe('The round is reviewing; submissions are closed');
  });

  test('an out-of-range or missing score is refused naming the criterion, and nothing is stored', async () => {
    const high = await score('r1', rev['L1:r1'], { design: 11, effect: 8 });
    expect(high.status).toBe(400);
    expect(high.body.error.message).toBe('scores.design (教学设计) must be between 0 and 10, got 11');
    expect(high.body.error.details.errors[0].path).toEqual(['scores', 'design']);
    const missing = await score('r1', rev['L1:r1'], { design: 9 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.errors[0].path).toEqual(['scores', 'effect']);
    const noComment = await score('r1', rev['L1:r1'], { design: 9, effect: 8 }, '  ');
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.details.errors[0].path).toEqual(['comment']);
    const stored = await app.strapi.db.query('api::review.review' as any).findOne({ where: { documentId: rev['L1:r1'] } });
    expect([stored.status, stored.scores]).toEqual(['assigned', null]);
  });

  test('reviewers score their own reviews only, one criterion at a time within range', async () => {
    expect((await score('r2', rev['L1:r1'], { design: 1, effect: 1 })).status).toBe(404);
    const scores: [string, Record<string, number>, number][] = [
      ['L1:r1', { design: 9, effect: 8 }, 8.6],
      ['L1:r2', { design: 8, effect: 8 }, 8],
      ['L3:r1', { design: 7, effect: 9 }, 7.8],
      ['L3:r2', { design: 9, effect: 9 }, 9],
      ['L3:expertEast', { design: 6, effect: 6 }, 6],
      ['L2:r1', { design: 10, effect: 10 }, 10],
    ];
    for (const [key, given, weighted] of scores) {
      const res = await score(key.split(':')[1], rev[key], given);
      expect([key, res.status]).toEqual([key, 200]);
      expect(Number(res.body.data.weightedScore)).toBe(weighted);
      expect(res.body.data.status).toBe('submitted');
    }
    // A review is scored once.
    const again = await score('r1', rev['L1:r1'], { design: 1, effect: 1 });
    expect(again.status).toBe(409);
    const stored = await app.strapi.db.query('api::review.review' as any).findOne({ where: { documentId: rev['L1:r1'] } });
    expect(Number(stored.weightedScore)).toBe(8.6);
  });

  test('blind review: nothing a reviewer can call shows a submitter or their school', async () => {
    const reviewerCalls: [string, string][] = [
      ['r1', '/api/reviews'],
      ['r1', `/api/reviews/${rev['L1:r1']}`],
      ['r1', '/api/submissions'],
      ['r1', `/api/submissions/${sub.L1}`],
      ['r1', `/api/lesson-plans/${lesson.L1}`],
      ['r1', '/api/lesson-plans'],
      ['r1', `/api/search?q=${encodeURIComponent('情绪')}`],
      ['r1', `/api/selection-rounds/${roundId}`],
      ['r1', '/api/selection-rounds'],
      ['r1', '/api/libraries/demonstration-lessons/entries'],
      ['expertEast', '/api/reviews'],
      ['expertEast', `/api/reviews/${rev['L3:expertEast']}`],
      ['expertEast', '/api/submissions'],
      ['expertEast', `/api/lesson-plans/${lesson.L3}`],
      ['expertEast', '/api/lesson-plans'],
      ['expertEast', `/api/search?q=${encodeURIComponent('情绪')}`],
      ['expertEast', '/api/libraries/demonstration-lessons/entries'],
    ];
    for (const [who, path] of reviewerCalls) {
      const res = await app.http().get(path).set(as(who));
      expect([path, res.status]).toEqual([path, 200]);
      const text = JSON.stringify(res.body);
      for (const secret of SECRET) expect([path, text.includes(secret)]).toEqual([path, false]);
    }
    const review = await app.http().get(`/api/reviews/${rev['L3:expertEast']}`).set(as('expertEast'));
    expect(review.body.data.resource.title).toBe('我的情绪日记');
    expect(review.body.data.resource.steps).toHaveLength(4);
    expect(review.body.data.submission.round.rubric.map((c) => c.key)).toEqual(['design', 'effect']);
    // The author still sees their own name on their own lesson.
    const own = await app.http().get(`/api/lesson-plans/${lesson.L1}`).set(as('a1'));
    expect(own.body.data.author.name).toBe('申报人甲');
  });

  test('finalise refuses while a submission lacks its minimum reviews, naming it', async () => {
    const res = await app.http().post(`/api/selection-rounds/${roundId}/finalise`).set(as('r1'));
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ minReviews: 2, submissions: [{ documentId: sub.L2, scoredReviews: 1 }] });
    expect(await roundStatus()).toBe('reviewing');
    expect(await app.strapi.db.query('api::library-entry.library-entry' as any).count()).toBe(0);
  });

  test('finalise with allowIncomplete ranks by weighted mean, leaves out the incomplete, and fills the quota', async () => {
    const res = await app.http().post(`/api/selection-rounds/${roundId}/finalise`).set(as('r1')).send({ allowIncomplete: true });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('finalised');
    // L1: (8.6 + 8) / 2 = 8.3; L3: (7.8 + 9 + 6) / 3 = 7.6; L2 has one review of two needed.
    expect(res.body.meta.entries.map((e) => [e.title, e.rank, e.awardLevel, Number(e.score)])).toEqual([
      ['情绪调色盘', 1, 'first', 8.3],
      ['我的情绪日记', 2, 'second', 7.6],
    ]);
    const statuses = await app.strapi.db.query('api::submission.submission' as any).findMany({ where: { status: { $ne: 'withdrawn' } }, orderBy: { resourceTitle: 'asc' } });
    expect(statuses.map((s) => [s.resourceTitle, s.status, s.rank])).toEqual(
      [['压力气球', 'not_selected', null], ['情绪调色盘', 'selected', 1], ['我的情绪日记', 'selected', 2]].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    );
  });

  test('finalising again is a 409 and changes nothing; a finalised round cannot move', async () => {
    const before = await app.strapi.db.query('api::library-entry.library-entry' as any).findMany({ orderBy: { rank: 'asc' } });
    const again = await app.http().post(`/api/selection-rounds/${roundId}/finalise`).set(as('r1')).send({ allowIncomplete: true });
    expect(again.status).toBe(409);
    expect(again.body.error.details.entries).toEqual(before.map((e) => e.documentId));
    const after = await app.strapi.db.query('api::library-entry.library-entry' as any).findMany({ orderBy: { rank: 'asc' } });
    expect(after).toEqual(before);
    const move = await transition('open');
    expect(move.status).toBe(409);
    expect(move.body.error.message).toBe('A finalised round cannot change status');
  });

  test('teachers read the entries with the content filters; authors are shown again', async () => {
    const res = await app.http().get('/api/libraries/demonstration-lessons/entries?sort=title:asc').set(as('b1'));
    expect(res.status).toBe(200);
    expect(res.body.data.map((d) => [d.title, d.libraryEntry.rank, d.libraryEntry.year, d.libraryEntry.awardLevel, d.author.name])).toEqual([
      ['情绪调色盘', 1, YEAR, 'first', '申报人甲'],
      ['我的情绪日记', 2, YEAR, 'second', '申报人丙'],
    ]);
    const filtered = await app.http().get('/api/libraries/demonstration-lessons/entries?filters[gradeBand][$eq]=junior_secondary').set(as('b1'));
    expect(filtered.body.data.map((d) => d.title)).toEqual(['我的情绪日记']);
    const byTheme = await app.http().get('/api/libraries/demonstration-lessons/entries?filters[themes][slug][$eq]=stress-management').set(as('coordinator'));
    expect(byTheme.body.data.map((d) => d.title)).toEqual(['我的情绪日记']);
    expect((await app.http().get('/api/libraries/nope/entries').set(as('b1'))).status).toBe(404);
    expect((await app.http().get('/api/libraries/counseling-cases/entries').set(as('b1'))).status).toBe(403);
  });

  test('progress per library is target, selected, remaining and counts by grade band, theme and year', async () => {
    const res = await app.http().get('/api/libraries/progress').set(as('coordinator'));
    expect(res.status).toBe(200);
    const lessons = res.body.data.find((l) => l.key === 'demonstration-lessons');
    expect(lessons).toEqual({
      key: 'demonstration-lessons',
      nameZh: '心理活动示范课',
      nameEn: 'Demonstration activity lessons',
      resourceType: 'lesson-plan',
      target: 100,
      selected: 2,
      remaining: 98,
      byGradeBand: { junior_secondary: 1, upper_primary: 1 },
      byTheme: { 'emotion-regulation': 2, 'stress-management': 1 },
      byYear: { [String(YEAR)]: 2 },
    });
    expect(res.body.data.find((l) => l.key === 'psychodramas')).toMatchObject({ selected: 0, remaining: 100, byGradeBand: {} });
  });

  test("a later round never fills past the library's remaining room, and never takes a resource twice", async () => {
    await app.strapi.db.query('api::library.library' as any).update({ where: { documentId: libraryId }, data: { target: 3 } });
    // Next year's round, with next year's window…
    const next = YEAR + 1;
    const created = await app.http().post('/api/selection-rounds').set(as('r1')).send({
      data: roundData({ year: next, quota: 5, minReviews: 1, submissionOpensAt: `${next}-03-01T00:00:00Z`, submissionClosesAt: `${next}-04-30T00:00:00Z`, reviewDeadline: `${next}-06-15T00:00:00Z` }),
    });
    expect(created.status).toBe(201);
    const id = created.body.data.documentId;
    expect((await app.http().post(`/api/selection-rounds/${id}/finalise`).set(as('r1'))).status).toBe(409);
    await transition('open', id);
    expect((await app.http().post(`/api/selection-rounds/${id}/finalise`).set(as('r1'))).status).toBe(409);
    expect(await roundStatus(id)).toBe('open');
    // …whose window has come: the clock is simulated by moving the window to now.
    await app.strapi.db.query('api::selection-round.selection-round' as any).update({ where: { documentId: id }, data: { submissionOpensAt: iso(-hour), submissionClosesAt: iso(hour) } });
    for (const [key, who] of [['L1', 'a1'], ['L3', 'b1']]) {
      const res = await app.http().post('/api/submissions').set(as(who)).send({ data: { round: id, resource: lesson[key] } });
      expect([key, res.status, res.body.error?.message]).toEqual([key, 409, 'This resource is already in the library']);
    }
    await publish('L4', 'a1', { title: '情绪小侦探' });
    await publish('L5', 'b1', { title: '压力变形记' });
    const ids: string[] = [];
    for (const [key, who] of [['L2', 'a2'], ['L4', 'a1'], ['L5', 'b1']]) {
      const res = await app.http().post('/api/submissions').set(as(who)).send({ data: { round: id, resource: lesson[key] } });
      expect([key, res.status]).toEqual([key, 201]);
      ids.push(res.body.data.documentId);
    }
    const reviews: string[] = [];
    for (const s of ids) reviews.push((await assign(s, u.r2.user.username)).body.data.documentId);
    await transition('reviewing', id);
    for (const [i, r] of reviews.entries()) expect((await score('r2', r, { design: 5 + i, effect: 5 })).status).toBe(200);
    const res = await app.http().post(`/api/selection-rounds/${id}/finalise`).set(as('r1'));
    expect(res.status).toBe(200);
    expect(res.body.meta.entries.map((e) => [e.title, e.rank])).toEqual([['压力变形记', 1]]);
    const progress = await app.http().get('/api/libraries/progress').set(as('r1'));
    expect(progress.body.data.find((l) => l.key === 'demonstration-lessons')).toMatchObject({
      target: 3, selected: 3, remaining: 0, byYear: { [String(YEAR)]: 2, [String(next)]: 1 },
    });
    const entries = await app.http().get('/api/libraries/demonstration-lessons/entries').set(as('r1'));
    expect(entries.body.meta.pagination.total).toBe(3);
  });
});

describe('refusals', () => {
  test('a submission outside the window is 409 even while the round is open', async () => {
    const created = await app.http().post('/api/selection-rounds').set(as('r1')).send({
      data: roundData({ library: psychodramasId, submissionOpensAt: iso(-3 * hour), submissionClosesAt: iso(-2 * hour), reviewDeadline: iso(hour) }),
    });
    await transition('open', created.body.data.documentId);
    const res = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: created.body.data.documentId, resource: lesson.L1 } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('The submission window is not open now');
  });

  test.each(['a1', 'coordinator'])('%s cannot create, edit or move rounds', async (who) => {
    expect((await app.http().post('/api/selection-rounds').set(as(who)).send({ data: roundData({ year: 2030 }) })).status).toBe(403);
    expect((await app.http().put(`/api/selection-rounds/${roundId}`).set(as(who)).send({ data: { title: 'x' } })).status).toBe(403);
    expect((await app.http().post(`/api/selection-rounds/${roundId}/transition`).set(as(who)).send({ data: { status: 'open' } })).status).toBe(403);
    expect((await app.http().post(`/api/selection-rounds/${roundId}/finalise`).set(as(who))).status).toBe(403);
  });

  test('teachers cannot assign reviewers; coordinators cannot submit or review', async () => {
    expect((await app.http().post('/api/reviews').set(as('a1')).send({ data: { submission: sub.L1, reviewer: u.r1.user.username } })).status).toBe(403);
    expect((await app.http().post('/api/submissions').set(as('coordinator')).send({ data: { round: roundId, resource: lesson.L1 } })).status).toBe(403);
    expect((await app.http().get('/api/reviews').set(as('coordinator'))).status).toBe(403);
  });

  test('the public reaches none of it', async () => {
    for (const path of ['/api/libraries', '/api/libraries/progress', '/api/libraries/demonstration-lessons/entries', '/api/selection-rounds', '/api/submissions', '/api/reviews']) {
      expect([path, (await app.http().get(path)).status]).toEqual([path, 403]);
    }
  });

  test.each([
    [{ rubric: [{ key: 'a', name: 'A', weight: 1, minScore: 5, maxScore: 5 }] }, 'rubric', 400],
    [{ rubric: [] }, 'rubric', 400],
    [{ submissionClosesAt: iso(-2 * hour) }, 'submissionClosesAt', 400],
    [{ reviewDeadline: iso(0) }, 'reviewDeadline', 400],
    [{ status: 'open' }, 'status', 400],
    // A round's year must be the year its submission window opens.
    [{ year: 2099 }, 'year', 400],
  ])('a round with %j is refused naming %s', async (overrides, field, status) => {
    const res = await app.http().post('/api/selection-rounds').set(as('r1')).send({ data: roundData({ year: 2031, ...overrides }) });
    expect(res.status).toBe(status);
    expect(res.body.error.details.errors[0].path[0]).toBe(field);
  });

  test('a second round for the same library and year is 409; a non-draft round cannot be edited', async () => {
    const dup = await app.http().post('/api/selection-rounds').set(as('r1')).send({ data: roundData() });
    expect(dup.status).toBe(409);
    const edit = await app.http().put(`/api/selection-rounds/${roundId}`).set(as('r1')).send({ data: { quota: 50 } });
    expect(edit.status).toBe(409);
    const direct = await app.http().put(`/api/selection-rounds/${roundId}`).set(as('r1')).send({ data: { status: 'draft' } });
    expect(direct.status).toBe(400);
    expect(await roundStatus()).toBe('finalised');
  });
});
