import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldError, forbidden } from '../../../shared/errors';
import { accountOf, canReadCounselingCases, type Actor } from '../../../platform/actor';
import type { Query } from '../../../platform/request';
import { teacherFilter, type Scope } from '../../../platform/scope';
import { CONTENT_UIDS, type ContentType } from '../../../content/curriculum';
import { DETAIL_POPULATE } from '../../../content/core-api/populate';
import { keys, weightedScore, type Criterion, type RoundStatus } from '../../../library/selection';
import { ConflictError } from '../../../shared/errors';
import { decide } from '../../../library/decide';
import { lockRows } from '../../../shared/sql';
import { assertAssignable, reviewerRefusal, type ReviewerCandidate } from '../../../library/reviewers';

const REVIEW_UID = 'api::review.review';
const SUBMISSION_UID = 'api::submission.submission';
const ROUND_UID = 'api::selection-round.selection-round';
const USER_UID = 'plugin::users-permissions.user';
const TEACHER_UID = 'api::teacher.teacher';

const CASE = 'counseling-case';
// A blocked account cannot sign in to review; `blocked` may be unset (null) on accounts made elsewhere.
const NOT_BLOCKED = { $or: [{ blocked: false }, { blocked: { $null: true } }] };
const casesForbidden = () => forbidden('Counselling cases are for researchers and mental-health teachers');


// A reviewer's view: the resource and the rubric, never who submitted it or from which school.
const REVIEW_FIELDS = ['status', 'scores', 'comment', 'weightedScore', 'submittedAt'] satisfies Modules.Documents.Params.Fields.Any<typeof REVIEW_UID>;
const REVIEW_POPULATE = {
  submission: {
    fields: ['resourceType', 'resourceDocumentId', 'resourceTitle', 'status'],
    populate: { round: { fields: ['title', 'year', 'status', 'reviewDeadline'], populate: { rubric: true } } },
  },
} satisfies Modules.Documents.Params.Populate.Any<typeof REVIEW_UID>;

/** POST /reviews { data: { submission, reviewer } }, as the request sends it. */
export interface AssignInput {
  submission?: unknown;
  reviewer?: unknown;
}

/** PUT /reviews/:id { data: { scores, comment } }, as the request sends it; weightedScore checks the scores. */
export interface ScoreInput {
  scores?: unknown;
  comment?: unknown;
  [field: string]: unknown;
}

interface SubmissionToReview {
  id: number;
  documentId: string;
  resourceType: ContentType;
  status: 'submitted' | 'withdrawn' | 'selected' | 'not_selected';
  round: { status: RoundStatus } | null;
  submitter: { user: { id: number } | null } | null;
  school: { id: number } | null;
}

interface ReviewerAccount {
  id: number;
  documentId: string;
  username: string;
  role: { type: string } | null;
}

interface ReviewerTeacher {
  documentId: string;
  positions: unknown;
  mhPostConfirmedAt: string | null;
  mhPostPending: boolean | null;
  school: { id: number } | null;
}

interface ReviewToScore {
  id: number;
  status: 'assigned' | 'submitted';
  submittedAt: string | null;
  submission: { round: { status: RoundStatus; rubric: Criterion[] } };
}

/** An account the board offers as a reviewer. */
export interface ReviewerCandidateView {
  username: string;
  role: 'researcher' | 'teacher';
  name: string | null;
  school: string | null;
}

/** One assignment on the board: the review's status and who holds it. */
export interface RoundAssignment {
  documentId: string;
  submission: string | null;
  submissionStatus: string | null;
  reviewer: { username: string; name: string | null } | null;
  status: 'assigned' | 'submitted';
  submittedAt: string | null;
}

/** A review as getMine() reads it, with REVIEW_POPULATE. */
interface ReviewView {
  documentId: string;
  submission: { resourceType: ContentType; resourceDocumentId: string };
}

export default factories.createCoreService(REVIEW_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * A researcher assigns a reviewer (by username), whom src/library/reviewers.ts must allow (回避: never the
   * submitter, never someone from the submitter's school; cases only to those who may read them). Decided under the round's and the submission's locks; the assignment key makes a second one impossible.
   */
  async assign(input: AssignInput) {
    if (!input.submission) throw fieldError('submission', 'submission is required');
    if (!input.reviewer || typeof input.reviewer !== 'string') throw fieldError('reviewer', 'reviewer (a username) is required');
    const located: { id: number; documentId: string; round: { documentId: string } | null } | null = await strapi.db.query(SUBMISSION_UID).findOne({
      where: { documentId: String(input.submission) },
      populate: { round: { select: ['documentId'] } },
    });
    if (!located) throw new errors.NotFoundError('Submission not found');
    return decide(strapi, 'review.assign', async (trx) => {
      await lockRows(strapi, trx, ROUND_UID, 'document_id', located.round ? [located.round.documentId] : []);
      await lockRows(strapi, trx, SUBMISSION_UID, 'document_id', [located.documentId]);
      const submission = await this.partiesOf(located.documentId);
      if (!submission) throw new errors.NotFoundError('Submission not found');
      assertAssignable(submission);

      const reviewer: ReviewerAccount | null = await strapi.db.query(USER_UID).findOne({ where: { username: input.reviewer }, populate: { role: { select: ['type'] } } });
      if (!reviewer) throw fieldError('reviewer', `reviewer "${input.reviewer}" is not a researcher or teacher account`);
      const reviewerTeacher: ReviewerTeacher | null = await strapi.db.query(TEACHER_UID).findOne({
        where: { user: { id: reviewer.id } },
        select: ['id', 'documentId', 'positions', 'mhPostConfirmedAt', 'mhPostPending'],
        populate: { school: { select: ['id'] } },
      });
      const refusal = reviewerRefusal(submission, { account: reviewer, teacher: reviewerTeacher });
      if (refusal) throw refusal;
      const duplicate = await strapi.db.query(REVIEW_UID).findOne({ where: { submission: { id: submission.id }, reviewer: { id: reviewer.id } } });
      if (duplicate) throw new ConflictError('This reviewer is already assigned to this submission', { review: duplicate.documentId });

      return strapi.documents(REVIEW_UID).create({
        data: { submission: submission.documentId, reviewer: reviewer.documentId, status: 'assigned', assignmentKey: keys.review(submission.documentId, reviewer.id) },
        fields: REVIEW_FIELDS,
        populate: REVIEW_POPULATE,
      });
    }, 'This reviewer is already assigned to this submission');
  },

  /** The caller's assignments; counselling-case ones only for those who may read cases. */
  async listMine(actor: Actor, query: Query) {
    const userId = accountOf(actor).id;
    const profile = actor;
    const own = { reviewer: { id: { $eq: userId } } };
    const mine = !canReadCounselingCases(profile) ? { $and: [own, { submission: { resourceType: { $ne: CASE } } }] } : own;
    return strapi.service(REVIEW_UID).find({
      ...query,
      filters: query.filters ? { $and: [query.filters, mine] } : mine,
      fields: REVIEW_FIELDS,
      populate: REVIEW_POPULATE,
    });
  },

  /** One of the caller's reviews, with the resource to review (without author or school). */
  async getMine(actor: Actor, documentId: string) {
    const userId = accountOf(actor).id;
    const profile = actor;
    const review = (await strapi.documents(REVIEW_UID).findFirst({
      filters: { documentId, reviewer: { id: userId } },
      fields: REVIEW_FIELDS,
      populate: REVIEW_POPULATE,
    })) as ReviewView | null;
    if (!review) return null;
    const type = review.submission.resourceType as ContentType;
    if (type === CASE && !canReadCounselingCases(profile)) throw casesForbidden();
    const { author: _a, school: _s, ...populate } = DETAIL_POPULATE[type];
    const resource = await strapi.documents(CONTENT_UIDS[type]).findOne({
      documentId: review.submission.resourceDocumentId,
      status: 'published',
      populate,
    });
    return { ...review, resource };
  },

  /**
   * The reviewer scores every criterion within its range while the round is reviewing — once: assigned →
   * submitted. Locks the round (so finalising waits for the score, or the score sees the round finalised),
   * then the review.
   */
  async score(actor: Actor, documentId: string, input: ScoreInput) {
    const userId = accountOf(actor).id;
    const profile = actor;
    const located: { id: number; submission: { resourceType: ContentType; round: { documentId: string } | null } | null } | null = await strapi.db.query(REVIEW_UID).findOne({
      where: { documentId, reviewer: { id: userId } },
      populate: { submission: { populate: { round: { select: ['documentId'] } } } },
    });
    if (!located) return null;
    if (located.submission?.resourceType === CASE && !canReadCounselingCases(profile)) throw casesForbidden();
    if (typeof input.comment !== 'string' || !input.comment.trim() || input.comment.length > 4000) {
      throw fieldError('comment', 'comment is required: text of at most 4000 characters');
    }
    const comment: string = input.comment;
    const unknown = Object.keys(input).find((key) => !['scores', 'comment'].includes(key));
    if (unknown) throw fieldError(unknown, `${unknown} cannot be set by a reviewer; send scores and comment`);
    await decide(strapi, 'review.score', async (trx) => {
      const roundDocumentId = located.submission?.round?.documentId;
      await lockRows(strapi, trx, ROUND_UID, 'document_id', roundDocumentId ? [roundDocumentId] : []);
      await lockRows(strapi, trx, REVIEW_UID, 'document_id', [documentId]);
      const review: ReviewToScore = await strapi.db.query(REVIEW_UID).findOne({
        where: { id: located.id },
        populate: { submission: { populate: { round: { populate: { rubric: true } } } } },
      });
      const round = review.submission.round;
      if (round.status !== 'reviewing') throw new ConflictError(`The round is ${round.status}; scores are accepted only while it is reviewing`);
      if (review.status !== 'assigned') throw new ConflictError('This review is already scored; a review is scored once', { submittedAt: review.submittedAt });
      const rubric = round.rubric.map((c) => ({ ...c, weight: Number(c.weight) }));
      const total = weightedScore(rubric, input.scores);
      const changed = await strapi.db.query(REVIEW_UID).updateMany({
        where: { id: review.id, status: 'assigned' },
        data: { scores: input.scores, comment: comment.trim(), weightedScore: total, status: 'submitted', submittedAt: new Date() },
      });
      if (changed.count !== 1) throw new ConflictError('This review is already scored; a review is scored once');
    });
    return this.getMine(actor, documentId);
  },
  /**
   * The accounts that may review a submission — researchers first, then teachers of the caller's scope —
   * filtered by the same rule as assign (reviewerRefusal), without those already assigned or blocked. `q`
   * matches a username or teacher name; at most `limit`, `truncated` when there are more.
   */
  async candidates(submissionDocumentId: string, { q = '', limit = 50, scope = { level: 'city' } }: { q?: string; limit?: number; scope?: Scope } = {}) {
    const submission = await this.partiesOf(submissionDocumentId);
    if (!submission) throw new errors.NotFoundError('Submission not found');
    assertAssignable(submission);
    const assigned: { reviewer: { id: number } | null }[] = await strapi.db.query(REVIEW_UID).findMany({ where: { submission: { id: submission.id } }, populate: { reviewer: { select: ['id'] } } });
    const taken = new Set(assigned.map((review) => review.reviewer?.id));
    const found: ReviewerCandidateView[] = [];
    const consider = (candidate: ReviewerCandidate, name: string | null, school: string | null) => {
      if (taken.has(candidate.account.id) || reviewerRefusal(submission, candidate)) return;
      found.push({ username: candidate.account.username, role: candidate.account.role?.type as 'researcher' | 'teacher', name, school });
    };
    const search = q.trim();
    const BATCH = 200;

    for (let offset = 0; found.length <= limit; offset += BATCH) {
      const accounts: ReviewerAccount[] = await strapi.db.query(USER_UID).findMany({
        where: { $and: [{ role: { type: 'researcher' } }, NOT_BLOCKED, ...(search ? [{ username: { $containsi: search } }] : [])] },
        select: ['id', 'documentId', 'username'],
        populate: { role: { select: ['type'] } },
        orderBy: { id: 'asc' },
        offset,
        limit: BATCH,
      });
      const profiles: (ReviewerTeacher & { name: string; user: { id: number }; school: { id: number; name: string } | null })[] = accounts.length
        ? await strapi.db.query(TEACHER_UID).findMany({
            where: { user: { id: { $in: accounts.map((a) => a.id) } } },
            select: ['documentId', 'name', 'positions', 'mhPostConfirmedAt', 'mhPostPending'],
            populate: { school: { select: ['id', 'name'] }, user: { select: ['id'] } },
          })
        : [];
      for (const account of accounts) {
        const teacher = profiles.find((p) => p.user?.id === account.id) ?? null;
        consider({ account, teacher }, teacher?.name ?? null, teacher?.school?.name ?? null);
      }
      if (accounts.length < BATCH) break;
    }
    for (let offset = 0; found.length <= limit; offset += BATCH) {
      const matches = search ? [{ $or: [{ name: { $containsi: search } }, { user: { username: { $containsi: search } } }] }] : [];
      const teachers: (ReviewerTeacher & { name: string; user: ReviewerAccount | null; school: { id: number; name: string } | null })[] = await strapi.db.query(TEACHER_UID).findMany({
        where: { $and: [teacherFilter(scope), { user: { $and: [{ role: { type: 'teacher' } }, NOT_BLOCKED] } }, ...matches] },
        select: ['documentId', 'name', 'positions', 'mhPostConfirmedAt', 'mhPostPending'],
        populate: { school: { select: ['id', 'name'] }, user: { select: ['id', 'documentId', 'username'], populate: { role: { select: ['type'] } } } },
        orderBy: { id: 'asc' },
        offset,
        limit: BATCH,
      });
      for (const teacher of teachers) if (teacher.user) consider({ account: teacher.user, teacher }, teacher.name, teacher.school?.name ?? null);
      if (teachers.length < BATCH) break;
    }
    return { data: found.slice(0, limit), truncated: found.length > limit };
  },

  /** A submission as the reviewer rule reads it (by documentId), or null. */
  async partiesOf(submissionDocumentId: string): Promise<SubmissionToReview | null> {
    return strapi.db.query(SUBMISSION_UID).findOne({
      where: { documentId: submissionDocumentId },
      populate: { round: { select: ['status'] }, submitter: { populate: { user: { select: ['id'] } } }, school: { select: ['id'] } },
    });
  },

  /** Every assignment of a round's submissions, with its reviewer (username, teacher name) — for the researchers' board. */
  async assignmentsOfRound(roundDocumentId: string): Promise<RoundAssignment[]> {
    const reviews: { documentId: string; status: 'assigned' | 'submitted'; submittedAt: string | null; submission: { documentId: string; status: string } | null; reviewer: { id: number; username: string } | null }[] =
      await strapi.db.query(REVIEW_UID).findMany({
        where: { submission: { round: { documentId: roundDocumentId } } },
        select: ['documentId', 'status', 'submittedAt'],
        populate: { submission: { select: ['documentId', 'status'] }, reviewer: { select: ['id', 'username'] } },
        orderBy: { id: 'asc' },
      });
    const userIds = [...new Set(reviews.map((r) => r.reviewer?.id).filter((id): id is number => typeof id === 'number'))];
    const teachers: { name: string; user: { id: number } | null }[] = userIds.length
      ? await strapi.db.query(TEACHER_UID).findMany({ where: { user: { id: { $in: userIds } } }, select: ['name'], populate: { user: { select: ['id'] } } })
      : [];
    const nameOf = new Map(teachers.map((t) => [t.user?.id, t.name]));
    return reviews.map((review) => ({
      documentId: review.documentId,
      submission: review.submission?.documentId ?? null,
      submissionStatus: review.submission?.status ?? null,
      reviewer: review.reviewer ? { username: review.reviewer.username, name: nameOf.get(review.reviewer.id) ?? null } : null,
      status: review.status,
      submittedAt: review.submittedAt,
    }));
  },
}));
