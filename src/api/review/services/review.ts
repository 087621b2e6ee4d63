import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldError, forbidden } from '../../../shared/errors';
import { accountOf, canReadCounselingCases, isMhPostConfirmed, type Actor, type CallerProfile } from '../../../platform/actor';
import type { Query } from '../../../platform/request';
import type { TeacherPosition } from '../../../platform/teacher-positions';
import { CONTENT_UIDS, type ContentType } from '../../../content/curriculum';
import { DETAIL_POPULATE } from '../../../content/core-api/populate';
import { keys, weightedScore, type Criterion, type RoundStatus } from '../../../library/selection';
import { ConflictError } from '../../../shared/errors';
import { decide } from '../../../library/decide';
import { lockRows } from '../../../shared/sql';

const REVIEW_UID = 'api::review.review';
const SUBMISSION_UID = 'api::submission.submission';
const ROUND_UID = 'api::selection-round.selection-round';
const USER_UID = 'plugin::users-permissions.user';

const CASE = 'counseling-case';
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

/** A review as getMine() reads it, with REVIEW_POPULATE. */
interface ReviewView {
  documentId: string;
  submission: { resourceType: ContentType; resourceDocumentId: string };
}

export default factories.createCoreService(REVIEW_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * A researcher assigns a reviewer (by username); 回避: never the submitter, never someone from the submitter's
   * school. Decided under the round's and the submission's locks; the assignment key makes a second one impossible.
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
      const submission: SubmissionToReview | null = await strapi.db.query(SUBMISSION_UID).findOne({
        where: { id: located.id },
        populate: { round: { select: ['status'] }, submitter: { populate: { user: { select: ['id'] } } }, school: { select: ['id'] } },
      });
      if (!submission) throw new errors.NotFoundError('Submission not found');
      if (!['open', 'reviewing'].includes(submission.round?.status)) throw new ConflictError(`The round is ${submission.round?.status}; reviewers can no longer be assigned`);
      if (submission.status !== 'submitted') throw new ConflictError(`The submission is ${submission.status}`);

      const reviewer: ReviewerAccount | null = await strapi.db.query(USER_UID).findOne({ where: { username: input.reviewer }, populate: { role: { select: ['type'] } } });
      if (!reviewer || !['researcher', 'teacher'].includes(reviewer.role?.type)) {
        throw fieldError('reviewer', `reviewer "${input.reviewer}" is not a researcher or teacher account`);
      }
      const reviewerTeacher: ReviewerTeacher | null = await strapi.db.query('api::teacher.teacher').findOne({
        where: { user: { id: reviewer.id } },
        select: ['id', 'documentId', 'positions', 'mhPostConfirmedAt', 'mhPostPending'],
        populate: { school: { select: ['id'] } },
      });
      // A counselling case is read in full by its reviewers, so only those who may read cases review one.
      if (submission.resourceType === CASE) {
        const profile: CallerProfile = {
          role: reviewer.role.type === 'researcher' ? 'researcher' : 'teacher',
          account: { id: reviewer.id, documentId: reviewer.documentId, username: reviewer.username },
          teacher: reviewerTeacher ? { documentId: reviewerTeacher.documentId, positions: (reviewerTeacher.positions ?? []) as TeacherPosition[], schoolDocumentId: null, mhPostConfirmed: isMhPostConfirmed(reviewerTeacher) } : null,
          scope: null,
        };
        if (!canReadCounselingCases(profile)) {
          throw fieldError('reviewer', `reviewer "${input.reviewer}" may not read counselling cases: a case is reviewed by researchers and mental-health teachers only`);
        }
      }
      if (submission.submitter?.user?.id === reviewer.id) throw new ConflictError('回避: a reviewer cannot review their own submission');
      if (submission.school && reviewerTeacher?.school?.id === submission.school.id) {
        throw new ConflictError("回避: a reviewer cannot review a submission from their own school");
      }
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
}));
