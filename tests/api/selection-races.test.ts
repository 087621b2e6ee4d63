import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { lessonData } from '../helpers/content';
import { raceSame, tally } from '../helpers/race';
import { isUniqueViolation } from '../../src/shared/sql';

// Every selection decision raced: ten identical requests at once, exactly one wins, the rest get 409,
// and the stored rows are those of one decision. On PostgreSQL the requests run on separate connections.
const N = 10;
let app: TestApp;
const u: Record<string, TestUser> = {};
const lesson: Record<string, string> = {};
const sub: Record<string, string> = {};
const rev: Record<string, string> = {};
let roundId: string;
let libraryId: string;

const hour = 3600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
const YEAR = new Date(Date.now() - hour + 8 * hour).getUTCFullYear();
const as = (who: string) => bearer(u[who].jwt);
const SUBMISSION_UID = 'api::submission.submission';
const REVIEW_UID = 'api::review.review';
const ENTRY_UID = 'api::library-entry.library-entry';
const ROUND_UID = 'api::selection-round.selection-round';
const statusOfRound = async () => (await app.strapi.db.query(ROUND_UID as any).findOne({ where: { documentId: roundId } })).status;

beforeAll(async () => {
  app = await startApp();
  const east = await createSchool(app.strapi, { name: '竞速东校' });
  const west = await createSchool(app.strapi, { name: '竞速西校' });
  u.a1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '申报甲', schoolDocumentId: east.documentId } });
  u.a2 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '申报乙', schoolDocumentId: west.documentId } });
  u.r1 = await createUser(app.strapi, { role: 'researcher' });
  u.r2 = await createUser(app.strapi, { role: 'researcher' });
  for (const [key, who, title] of [['L1', 'a1', '竞速情绪课'], ['L2', 'a2', '竞速压力课']]) {
    const doc = await app.strapi.documents('api::lesson-plan.lesson-plan').create({
      data: { ...lessonData({ title }), author: u[who].teacher!.documentId } as any,
      status: 'published',
    });
    lesson[key] = doc.documentId;
  }
  libraryId = (await app.strapi.db.query('api::library.library' as any).findOne({ where: { key: 'demonstration-lessons' } })).documentId;
  const created = await app.http().post('/api/selection-rounds').set(as('r1')).send({
    data: {
      title: '竞速遴选',
      library: libraryId,
      year: YEAR,
      quota: 5,
      minReviews: 1,
      submissionOpensAt: iso(-hour),
      submissionClosesAt: iso(hour),
      reviewDeadline: iso(2 * hour),
      rubric: [{ key: 'design', name: '教学设计', weight: 1, minScore: 0, maxScore: 10 }],
    },
  });
  expect(created.status).toBe(201);
  roundId = created.body.data.documentId;
});
afterAll(async () => {
  await app?.stop();
});

describe('each selection decision is made exactly once', () => {
  test('transition draft → open, 10× at once: one 200, nine 409', async () => {
    const responses = await raceSame(app, N, (http) => http.post(`/api/selection-rounds/${roundId}/transition`).set(as('r1')).send({ data: { status: 'open' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    expect(await statusOfRound()).toBe('open');
  });

  test('submit the same resource 10× at once: one 201, nine 409, one submission stored', async () => {
    const responses = await raceSame(app, N, (http) => http.post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: lesson.L1 } }));
    expect(tally(responses)).toEqual({ 201: 1, 409: N - 1 });
    const rows = await app.strapi.db.query(SUBMISSION_UID as any).findMany({ where: { resourceDocumentId: lesson.L1 } });
    expect(rows.map((r) => r.status)).toEqual(['submitted']);
    sub.L1 = responses.find((r) => r.status === 201)!.body.data.documentId;
    expect(rows[0].documentId).toBe(sub.L1);
  });

  test('withdraw the same submission 10× at once: one 200, nine 409; it can be submitted again', async () => {
    const responses = await raceSame(app, N, (http) => http.post(`/api/submissions/${sub.L1}/withdraw`).set(as('a1')));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    const rows = await app.strapi.db.query(SUBMISSION_UID as any).findMany({ where: { resourceDocumentId: lesson.L1 } });
    expect(rows.map((r) => r.status)).toEqual(['withdrawn']);
    const again = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: lesson.L1 } });
    expect(again.status).toBe(201);
    sub.L1 = again.body.data.documentId;
    const other = await app.http().post('/api/submissions').set(as('a2')).send({ data: { round: roundId, resource: lesson.L2 } });
    expect(other.status).toBe(201);
    sub.L2 = other.body.data.documentId;
    expect(await app.strapi.db.query(SUBMISSION_UID as any).count({ where: { status: 'submitted' } })).toBe(2);
  });

  test('assign the same reviewer 10× at once: one 201, nine 409, one review stored', async () => {
    const responses = await raceSame(app, N, (http) => http.post('/api/reviews').set(as('r1')).send({ data: { submission: sub.L1, reviewer: u.r2.user.username } }));
    expect(tally(responses)).toEqual({ 201: 1, 409: N - 1 });
    rev.L1 = responses.find((r) => r.status === 201)!.body.data.documentId;
    expect(await app.strapi.db.query(REVIEW_UID as any).count({ where: { submission: { documentId: sub.L1 } } })).toBe(1);
    const other = await app.http().post('/api/reviews').set(as('r1')).send({ data: { submission: sub.L2, reviewer: u.r2.user.username } });
    expect(other.status).toBe(201);
    rev.L2 = other.body.data.documentId;
  });

  test('transition open → reviewing, 10× at once: one 200, nine 409', async () => {
    const responses = await raceSame(app, N, (http) => http.post(`/api/selection-rounds/${roundId}/transition`).set(as('r1')).send({ data: { status: 'reviewing' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    expect(await statusOfRound()).toBe('reviewing');
  });

  test('score the same review 10× at once: one 200, nine 409, scored once', async () => {
    const responses = await raceSame(app, N, (http) => http.put(`/api/reviews/${rev.L1}`).set(as('r2')).send({ data: { scores: { design: 9 }, comment: '设计完整' } }));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    const stored = await app.strapi.db.query(REVIEW_UID as any).findMany({ where: { submission: { documentId: sub.L1 } } });
    expect(stored.map((r) => [r.status, Number(r.weightedScore)])).toEqual([['submitted', 9]]);
    const other = await app.http().put(`/api/reviews/${rev.L2}`).set(as('r2')).send({ data: { scores: { design: 7 }, comment: '可以更好' } });
    expect(other.status).toBe(200);
  });

  test('finalise 10× at once: one 200, nine 409, one set of library entries', async () => {
    const responses = await raceSame(app, N, (http) => http.post(`/api/selection-rounds/${roundId}/finalise`).set(as('r1')));
    expect(tally(responses)).toEqual({ 200: 1, 409: N - 1 });
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body.meta.entries.map((e) => [e.title, e.rank])).toEqual([['竞速情绪课', 1], ['竞速压力课', 2]]);
    const entries = await app.strapi.db.query(ENTRY_UID as any).findMany({ orderBy: { rank: 'asc' } });
    expect(entries.map((e) => [e.resourceDocumentId, e.rank])).toEqual([[lesson.L1, 1], [lesson.L2, 2]]);
    const submissions = await app.strapi.db.query(SUBMISSION_UID as any).findMany({ where: { status: { $ne: 'withdrawn' } }, orderBy: { rank: 'asc' } });
    expect(submissions.map((s) => [s.status, s.rank])).toEqual([['selected', 1], ['selected', 2]]);
    expect(await statusOfRound()).toBe('finalised');
    const progress = await app.http().get('/api/libraries/progress').set(as('r1'));
    expect(progress.body.data.find((l) => l.key === 'demonstration-lessons')).toMatchObject({ selected: 2, remaining: 98 });
  });

  test('finalising through the transition endpoint after the race is a 409 too', async () => {
    const res = await app.http().post(`/api/selection-rounds/${roundId}/transition`).set(as('r1')).send({ data: { status: 'finalised' } });
    expect(res.status).toBe(409);
    expect(await app.strapi.db.query(ENTRY_UID as any).count()).toBe(2);
  });

  test('behind the checks, unique indexes refuse a second live submission, review or library entry', async () => {
    const isoNow = new Date();
    for (const [uid, data] of [
      [SUBMISSION_UID, { resourceType: 'lesson-plan', resourceDocumentId: lesson.L1, resourceTitle: 'x', status: 'submitted', submittedAt: isoNow, liveKey: `${roundId}:${lesson.L1}` }],
      [REVIEW_UID, { status: 'assigned', assignmentKey: `${sub.L1}:${u.r2.user.id}` }],
      [ENTRY_UID, { year: YEAR, rank: 3, awardLevel: 'third', score: 1, resourceType: 'lesson-plan', resourceDocumentId: lesson.L1, title: 'x', entryKey: `${libraryId}:${lesson.L1}` }],
    ] as const) {
      const error = await app.strapi.db.query(uid as any).create({ data }).then(() => null, (e) => e);
      expect([uid, isUniqueViolation(error)]).toEqual([uid, true]);
    }
    expect(await app.strapi.db.query(SUBMISSION_UID as any).count({ where: { resourceDocumentId: lesson.L1, status: { $ne: 'withdrawn' } } })).toBe(1);
    expect(await app.strapi.db.query(REVIEW_UID as any).count()).toBe(2);
    expect(await app.strapi.db.query(ENTRY_UID as any).count()).toBe(2);
  });

  test('rows stored before the keys existed get them at boot; a duplicate already stored keeps none', async () => {
    const entries = await app.strapi.db.query(ENTRY_UID as any).findMany({ orderBy: { rank: 'asc' } });
    await app.strapi.db.query(SUBMISSION_UID as any).updateMany({ where: {}, data: { liveKey: null } });
    await app.strapi.db.query(REVIEW_UID as any).updateMany({ where: {}, data: { assignmentKey: null } });
    await app.strapi.db.query(ENTRY_UID as any).updateMany({ where: {}, data: { entryKey: null } });
    // The defect this replaces: the same resource entered twice.
    await app.strapi.db.query(ENTRY_UID as any).create({ data: { year: YEAR, rank: 3, awardLevel: 'third', score: 1, resourceType: 'lesson-plan', resourceDocumentId: lesson.L1, title: 'x', library: entries[0].id } as any });
    await app.restart();
    const live = await app.strapi.db.query(SUBMISSION_UID as any).findMany({ where: { status: { $ne: 'withdrawn' } }, populate: { round: true }, orderBy: { id: 'asc' } });
    expect(live.map((s) => s.liveKey)).toEqual(live.map((s) => `${roundId}:${s.resourceDocumentId}`));
    const keyed = await app.strapi.db.query(ENTRY_UID as any).findMany({ orderBy: { id: 'asc' } });
    expect(keyed.map((e) => e.entryKey)).toEqual([`${libraryId}:${lesson.L1}`, `${libraryId}:${lesson.L2}`, null]);
    expect((await app.strapi.db.query(REVIEW_UID as any).findMany({})).every((r) => r.assignmentKey)).toBe(true);
    const progress = await app.http().get('/api/libraries/progress').set(as('r1'));
    expect(progress.body.data.find((l) => l.key === 'demonstration-lessons')).toMatchObject({ selected: 2, remaining: 98 });
  });
});
