import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ConflictError, fieldError, forbidden } from '../../../shared/errors';
import { CONTENT_UIDS, type ContentType } from '../../../content/curriculum';
import { canReadCounselingCases, isResearcher, type CallerProfile } from '../../../platform/actor';
import { lockRows } from '../../../shared/sql';
import { keys, type RoundStatus } from '../../../library/selection';
import { decide } from '../../../library/decide';

const SUBMISSION_UID = 'api::submission.submission';
const ROUND_UID = 'api::selection-round.selection-round';
const ENTRY_UID = 'api::library-entry.library-entry';

// What anyone may see of a submission: never the submitter or the school (blind review).
export const SUBMISSION_FIELDS = [
  'resourceType',
  'resourceDocumentId',
  'resourceTitle',
  'status',
  'submittedAt',
  'withdrawnAt',
  'score',
  'rank',
] satisfies Modules.Documents.Params.Fields.Any<typeof SUBMISSION_UID>;
const SUBMISSION_POPULATE = { round: { fields: ['title', 'year', 'status'] } } satisfies Modules.Documents.Params.Populate.Any<typeof SUBMISSION_UID>;

/** POST /submissions { data: { round, resource } }, as the request sends it. */
export interface SubmitInput {
  round?: unknown;
  resource?: unknown;
}

interface RoundToSubmitTo {
  id: number;
  documentId: string;
  status: RoundStatus;
  submissionOpensAt: string;
  submissionClosesAt: string;
  library: { resourceType: ContentType; nameZh: string };
}

interface SubmissionToWithdraw {
  resourceType: ContentType;
  status: 'submitted' | 'withdrawn' | 'selected' | 'not_selected';
  round: { status: RoundStatus } | null;
  submitter: { documentId: string } | null;
}

interface OwnResource {
  documentId: string;
  title: string;
  author: { documentId: string } | null;
}

export default factories.createCoreService(SUBMISSION_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * A teacher submits one of their own published resources of the library's kind while the round is open.
   * Decided under the round's lock, so a transition or a second identical submit waits and then sees this one.
   */
  async submit(profile: CallerProfile, input: SubmitInput) {
    const teacher = profile.teacher!;
    if (!input.round) throw fieldError('round', 'round is required');
    if (!input.resource) throw fieldError('resource', 'resource (the documentId of your lesson plan, script or case) is required');
    return decide(strapi, 'submission.submit', async (trx) => {
      await lockRows(strapi, trx, ROUND_UID, 'document_id', [String(input.round)]);
      const round = (await strapi.documents(ROUND_UID).findOne({
        documentId: String(input.round),
        populate: { library: { fields: ['resourceType', 'nameZh'] } },
      })) as RoundToSubmitTo | null;
      if (!round || round.status === 'draft') throw new errors.NotFoundError('Selection round not found');
      if (round.status !== 'open') throw new ConflictError(`The round is ${round.status}; submissions are closed`);
      const now = Date.now();
      if (now < new Date(round.submissionOpensAt).getTime() || now > new Date(round.submissionClosesAt).getTime()) {
        throw new ConflictError('The submission window is not open now', { opensAt: round.submissionOpensAt, closesAt: round.submissionClosesAt });
      }

      const type = round.library.resourceType as ContentType;
      // A submission carries the case's title: only those who may read cases submit (and see) one.
      if (type === 'counseling-case' && !canReadCounselingCases(profile)) throw forbidden('Counselling cases are for researchers and mental-health teachers');
      const resource = (await strapi.documents(CONTENT_UIDS[type]).findOne({
        documentId: String(input.resource),
        status: 'published',
        fields: ['title'],
        populate: { author: { fields: ['documentId'] } },
      })) as OwnResource | null;
      if (!resource) throw fieldError('resource', `resource must be a published ${type} (${round.library.nameZh} takes only those)`);
      if (resource.author?.documentId !== teacher.documentId) {
        throw forbidden('You can only submit your own resources');
      }
      // A resource selected once stays in the library; submitting it again would count it twice.
      const entry = await strapi.db.query(ENTRY_UID).findOne({ where: { resourceDocumentId: resource.documentId }, select: ['documentId', 'year'] });
      if (entry) throw new ConflictError('This resource is already in the library', { entry: entry.documentId, year: entry.year });
      const duplicate = await strapi.db.query(SUBMISSION_UID).findOne({
        where: { round: { id: round.id }, resourceDocumentId: resource.documentId, status: { $ne: 'withdrawn' } },
      });
      if (duplicate) throw new ConflictError('This resource is already submitted to this round', { submission: duplicate.documentId });

      return strapi.documents(SUBMISSION_UID).create({
        data: {
          round: round.documentId,
          resourceType: type,
          resourceDocumentId: resource.documentId,
          resourceTitle: resource.title,
          submitter: teacher.documentId,
          school: teacher.schoolDocumentId,
          status: 'submitted',
          submittedAt: new Date(),
          liveKey: keys.submission(round.documentId, resource.documentId),
        },
        fields: SUBMISSION_FIELDS,
        populate: SUBMISSION_POPULATE,
      });
    }, 'This resource is already submitted to this round');
  },

  /** Withdrawn by its submitter, only before review starts; locks the round, then the submission. */
  async withdraw(profile: CallerProfile, documentId: string) {
    const located: { round: { documentId: string } | null } | null = await strapi.db.query(SUBMISSION_UID).findOne({ where: { documentId }, populate: { round: { select: ['documentId'] } } });
    if (!located) throw new errors.NotFoundError('Submission not found');
    return decide(strapi, 'submission.withdraw', async (trx) => {
      await lockRows(strapi, trx, ROUND_UID, 'document_id', located.round ? [located.round.documentId] : []);
      await lockRows(strapi, trx, SUBMISSION_UID, 'document_id', [documentId]);
      const submission: SubmissionToWithdraw | null = await strapi.db.query(SUBMISSION_UID).findOne({
        where: { documentId },
        populate: { round: { select: ['status'] }, submitter: { select: ['documentId'] } },
      });
      if (!submission || submission.submitter?.documentId !== profile.teacher?.documentId) throw new errors.NotFoundError('Submission not found');
      if (submission.resourceType === 'counseling-case' && !canReadCounselingCases(profile)) throw forbidden('Counselling cases are for researchers and mental-health teachers');
      if (submission.status !== 'submitted') throw new ConflictError(`The submission is already ${submission.status}`);
      if (submission.round?.status !== 'open') throw new ConflictError('Review has started; the submission can no longer be withdrawn');
      return strapi.documents(SUBMISSION_UID).update({
        documentId,
        // The live key goes, so the resource can be submitted again.
        data: { status: 'withdrawn', withdrawnAt: new Date(), liveKey: null },
        fields: SUBMISSION_FIELDS,
        populate: SUBMISSION_POPULATE,
      });
    });
  },

  /**
   * Teachers see their own submissions; researchers see all, blind. A case submission's title is case content,
   * so those who may not read cases never see one (not even their own, once they no longer hold an MH post).
   */
  async listFor(profile: CallerProfile, query: { filters?: unknown; [param: string]: unknown }) {
    const own = isResearcher(profile) ? {} : { submitter: { documentId: { $eq: profile.teacher?.documentId ?? '' } } };
    const scope = canReadCounselingCases(profile) ? own : { $and: [own, { resourceType: { $ne: 'counseling-case' } }] };
    const filters = query.filters ? { $and: [query.filters, scope] } : scope;
    return strapi.service(SUBMISSION_UID).find({ ...query, filters, fields: SUBMISSION_FIELDS, populate: SUBMISSION_POPULATE });
  },

  async getFor(profile: CallerProfile, documentId: string) {
    const { results } = await this.listFor(profile, { filters: { documentId: { $eq: documentId } } });
    return results[0] ?? null;
  },
}));
