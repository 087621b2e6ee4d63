import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { lessonData } from '../helpers/content';
import { adminSession, cm, type AdminSession } from '../helpers/admin';

// The admin panel is a client like any other: its content manager writes through the Document Service,
// where the selection guard keeps the workflow's rules.
let app: TestApp;
let admin: AdminSession;
const u: Record<string, TestUser> = {};
let lessonId: string;
let libraryId: string;
let roundId: string;
let submissionId: string;
let reviewId: string;

const ROUND_UID = 'api::selection-round.selection-round';
const SUBMISSION_UID = 'api::submission.submission';
const REVIEW_UID = 'api::review.review';
const ENTRY_UID = 'api::library-entry.library-entry';
const hour = 3600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
const YEAR = new Date(Date.now() - hour + 8 * hour).getUTCFullYear();
const as = (who: string) => bearer(u[who].jwt);
const rubric = [{ key: 'design', name: '教学设计', weight: 1, minScore: 0, maxScore: 10 }];
const roundData = (overrides: Record<string, unknown> = {}) => ({
  title: '后台遴选',
  year: YEAR,
  quota: 3,
  minReviews: 1,
  submissionOpensAt: iso(-hour),
  submissionClosesAt: iso(hour),
  reviewDeadline: iso(2 * hour),
  rubric,
  ...overrides,
});
const stored = (uid: string, documentId: string) => app.strapi.db.query(uid as any).findOne({ where: { documentId } });
const cmPut = (uid: string, documentId: string, data: Record<string, unknown>) => app.http().put(cm.document(uid, documentId)).set(admin.headers).send(data);
const cmPost = (uid: string, data: Record<string, unknown>) => app.http().post(cm.collection(uid)).set(admin.headers).send(data);
const transition = (status: string) => app.http().post(`/api/selection-rounds/${roundId}/transition`).set(as('r1')).send({ data: { status } });

beforeAll(async () => {
  app = await startApp();
  admin = await adminSession(app);
  const school = await createSchool(app.strapi, { name: '后台测试学校' });
  u.a1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '后台申报人', schoolDocumentId: school.documentId } });
  u.r1 = await createUser(app.strapi, { role: 'researcher' });
  lessonId = (await app.strapi.documents('api::lesson-plan.lesson-plan').create({
    data: { ...lessonData({ title: '后台情绪课' }), author: u.a1.teacher!.documentId } as any,
    status: 'published',
  })).documentId;
  libraryId = (await app.strapi.db.query('api::library.library' as any).findOne({ where: { key: 'demonstration-lessons' } })).documentId;
});
afterAll(async () => {
  await app?.stop();
});

describe('selection rounds in the admin panel', () => {
  test('a round whose year is not its window’s is refused with 400 naming year, and nothing is stored', async () => {
    const res = await cmPost(ROUND_UID, roundData({ year: YEAR + 1, library: libraryId }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['year']);
    expect(await app.strapi.db.query(ROUND_UID as any).count()).toBe(0);
  });

  test('a round created as anything but a draft, or with a bad schedule or rubric, is refused', async () => {
    for (const [overrides, field] of [
      [{ status: 'open' }, 'status'],
      [{ reviewDeadline: iso(0) }, 'reviewDeadline'],
      [{ rubric: [{ key: 'a', name: 'A', weight: 1, minScore: 5, maxScore: 5 }] }, 'rubric'],
    ] as const) {
      const res = await cmPost(ROUND_UID, roundData({ ...overrides, library: libraryId }));
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.body.error.details.errors[0].path[0]).toBe(field);
    }
    expect(await app.strapi.db.query(ROUND_UID as any).count()).toBe(0);
  });

  test('a valid round is created as a draft and can be edited while it is one', async () => {
    const res = await cmPost(ROUND_UID, roundData({ library: libraryId }));
    expect(res.status).toBe(201);
    roundId = res.body.data.documentId;
    expect((await stored(ROUND_UID, roundId)).status).toBe('draft');
    const edit = await cmPut(ROUND_UID, roundId, { title: '后台遴选（修订）', quota: 4 });
    expect(edit.status).toBe(200);
    expect((await stored(ROUND_UID, roundId)).title).toBe('后台遴选（修订）');
    const badYear = await cmPut(ROUND_UID, roundId, { year: YEAR - 1 });
    expect(badYear.status).toBe(400);
    expect(badYear.body.error.details.errors[0].path).toEqual(['year']);
    expect((await stored(ROUND_UID, roundId)).year).toBe(YEAR);
  });

  test('a second round for the same library and year is 409 from the panel too', async () => {
    const res = await cmPost(ROUND_UID, roundData({ library: libraryId, title: '重复的遴选' }));
    expect(res.status).toBe(409);
    expect(await app.strapi.db.query(ROUND_UID as any).count()).toBe(1);
  });

  test("changing a round's status from the panel is refused and the status is unchanged", async () => {
    // The content manager itself reads a body `status` as draft/published and refuses any other value…
    const res = await cmPut(ROUND_UID, roundId, { status: 'open' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['status']);
    expect((await stored(ROUND_UID, roundId)).status).toBe('draft');
    const finalised = await cmPut(ROUND_UID, roundId, { finalisedAt: new Date().toISOString() });
    expect(finalised.status).toBe(400);
    expect((await stored(ROUND_UID, roundId)).finalisedAt).toBeNull();
  });

  test('once open (through REST), the round cannot be edited, moved or deleted from the panel', async () => {
    expect((await transition('open')).status).toBe(200);
    // …but lets `draft` through to the Document Service, where the guard refuses moving an open round back.
    const back = await cmPut(ROUND_UID, roundId, { status: 'draft' });
    expect(back.status).toBe(400);
    expect(back.body.error.message).toBe('status changes only through POST /api/selection-rounds/:id/transition');
    const move = await cmPut(ROUND_UID, roundId, { status: 'finalised' });
    expect(move.status).toBe(400);
    const edit = await cmPut(ROUND_UID, roundId, { quota: 50 });
    expect(edit.status).toBe(409);
    const remove = await app.http().delete(cm.document(ROUND_UID, roundId)).set(admin.headers);
    expect(remove.status).toBe(409);
    expect(await stored(ROUND_UID, roundId)).toMatchObject({ status: 'open', quota: 4 });
  });

  test('a script calling the Document Service directly gets the same rules', async () => {
    const documents = app.strapi.documents(ROUND_UID as any);
    await expect(documents.update({ documentId: roundId, data: { status: 'reviewing' } as any })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(documents.update({ documentId: roundId, data: { title: 'x' } as any })).rejects.toMatchObject({ status: 409 });
    await expect(documents.delete({ documentId: roundId })).rejects.toMatchObject({ status: 409 });
    await expect(
      app.strapi.documents(SUBMISSION_UID as any).create({ data: { resourceType: 'lesson-plan', resourceDocumentId: lessonId, resourceTitle: 'x', status: 'selected', submittedAt: new Date() } as any })
    ).rejects.toMatchObject({ name: 'PolicyError' });
    expect(await stored(ROUND_UID, roundId)).toMatchObject({ status: 'open', title: '后台遴选（修订）' });
    expect(await app.strapi.db.query(SUBMISSION_UID as any).count()).toBe(0);
  });
});

describe('submissions, reviews and library entries in the admin panel', () => {
  test('the REST workflow still works: submit and assign', async () => {
    const submitted = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round: roundId, resource: lessonId } });
    expect(submitted.status).toBe(201);
    submissionId = submitted.body.data.documentId;
    const assigned = await app.http().post('/api/reviews').set(as('r1')).send({ data: { submission: submissionId, reviewer: u.r1.user.username } });
    expect(assigned.status).toBe(201);
    reviewId = assigned.body.data.documentId;
  });

  test("editing a submission's status from the panel is refused and it is unchanged", async () => {
    const res = await cmPut(SUBMISSION_UID, submissionId, { status: 'selected', rank: 1 });
    expect(res.status).toBe(400);
    const ranked = await cmPut(SUBMISSION_UID, submissionId, { rank: 1, score: 10 });
    expect(ranked.status).toBe(403);
    expect(await stored(SUBMISSION_UID, submissionId)).toMatchObject({ status: 'submitted', rank: null });
  });

  test('submissions cannot be created or deleted from the panel', async () => {
    const created = await cmPost(SUBMISSION_UID, { resourceType: 'lesson-plan', resourceDocumentId: lessonId, resourceTitle: 'x', submittedAt: new Date().toISOString() });
    expect(created.status).toBe(403);
    const removed = await app.http().delete(cm.document(SUBMISSION_UID, submissionId)).set(admin.headers);
    expect(removed.status).toBe(403);
    const bulk = await app.http().post(`${cm.collection(SUBMISSION_UID)}/actions/bulkDelete`).set(admin.headers).send({ documentIds: [submissionId] });
    expect(bulk.status).toBe(403);
    expect(await app.strapi.db.query(SUBMISSION_UID as any).count()).toBe(1);
  });

  test("editing a review's score from the panel is refused and it is unchanged", async () => {
    expect((await transition('reviewing')).status).toBe(200);
    const scored = await app.http().put(`/api/reviews/${reviewId}`).set(as('r1')).send({ data: { scores: { design: 6 }, comment: '尚可' } });
    expect(scored.status).toBe(200);
    const res = await cmPut(REVIEW_UID, reviewId, { weightedScore: 10, scores: { design: 10 } });
    expect(res.status).toBe(403);
    const review = await stored(REVIEW_UID, reviewId);
    expect([review.status, Number(review.weightedScore), review.scores]).toEqual(['submitted', 6, { design: 6 }]);
  });

  test('library entries cannot be created from the panel; finalising through REST creates them', async () => {
    const created = await cmPost(ENTRY_UID, { year: YEAR, rank: 1, awardLevel: 'first', score: 10, resourceType: 'lesson-plan', resourceDocumentId: lessonId, title: '后台情绪课' });
    expect(created.status).toBe(403);
    expect(await app.strapi.db.query(ENTRY_UID as any).count()).toBe(0);
    const finalised = await app.http().post(`/api/selection-rounds/${roundId}/finalise`).set(as('r1'));
    expect(finalised.status).toBe(200);
    expect(finalised.body.meta.entries.map((e) => [e.title, e.rank])).toEqual([['后台情绪课', 1]]);
    const [entry] = await app.strapi.db.query(ENTRY_UID as any).findMany({});
    const edit = await cmPut(ENTRY_UID, entry.documentId, { rank: 2 });
    expect(edit.status).toBe(403);
    const removed = await app.http().delete(cm.document(ENTRY_UID, entry.documentId)).set(admin.headers);
    expect(removed.status).toBe(403);
    expect(await app.strapi.db.query(ENTRY_UID as any).findMany({})).toMatchObject([{ rank: 1 }]);
  });

  test('the panel still reads all of them', async () => {
    for (const uid of [ROUND_UID, SUBMISSION_UID, REVIEW_UID, ENTRY_UID]) {
      const res = await app.http().get(cm.collection(uid)).set(admin.headers);
      expect([uid, res.status, res.body.results.length]).toEqual([uid, 200, 1]);
    }
  });
});
