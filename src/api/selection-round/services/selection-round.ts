import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { CONTENT_UIDS, type ContentType, type GradeBand } from '../../../content/curriculum';
import { ConflictError } from '../../../shared/errors';
import {
  assertTransition,
  awardLevel,
  rankCandidates,
  keys,
  validateRoundData,
  type Criterion,
  type RoundFields,
  type RoundStatus,
} from '../../../library/selection';
import { decide } from '../../../library/decide';
import { lockName, lockRows } from '../../../shared/sql';
import { isResearcher, type Actor } from '../../../platform/actor';
import type { Query } from '../../../platform/request';

const ROUND_UID = 'api::selection-round.selection-round';
const SUBMISSION_UID = 'api::submission.submission';
const REVIEW_UID = 'api::review.review';
const ENTRY_UID = 'api::library-entry.library-entry';

export const ROUND_POPULATE = {
  library: { fields: ['key', 'nameZh', 'nameEn', 'resourceType', 'target'] },
  rubric: true,
} satisfies Modules.Documents.Params.Populate.Any<typeof ROUND_UID>;

/** A round's data as the controller passes it on: validated against the schema and sanitized, rules not yet checked. */
export type RoundInput = Modules.Documents.Params.Data.Input<typeof ROUND_UID>;

/** A round as get() returns it, with ROUND_POPULATE. */
interface Round extends RoundFields {
  id: number;
  documentId: string;
  title: string;
  year: number;
  quota: number;
  minReviews: number;
  status: RoundStatus;
  finalisedAt: string | null;
  library: { id: number; documentId: string; key: string; nameZh: string; nameEn: string; resourceType: ContentType; target: number } | null;
  rubric: Criterion[];
}

interface SubmissionRow {
  id: number;
  documentId: string;
  resourceType: ContentType;
  resourceDocumentId: string;
  resourceTitle: string;
  submittedAt: string;
}

interface LibraryEntrySummary {
  documentId: string;
  rank: number;
  awardLevel: 'first' | 'second' | 'third';
  score: string | number;
  resourceType: ContentType;
  resourceDocumentId: string;
  title: string;
  year: number;
}

interface ResourceSnapshot {
  title: string;
  gradeBand: GradeBand | null;
  themes: { documentId: string }[];
}

/** Teachers see rounds once they are open; drafts are the researchers' work in progress. */
const visibleTo = (actor: Actor) => (isResearcher(actor) ? {} : { status: { $ne: 'draft' } });
const LIST_POPULATE = { library: { fields: ['key', 'nameZh', 'nameEn', 'resourceType', 'target'] }, rubric: true };

export default factories.createCoreService(ROUND_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  async get(documentId: string) {
    return strapi.documents(ROUND_UID).findOne({ documentId, populate: ROUND_POPULATE }) as Promise<Round | null>;
  },

  async listFor(actor: Actor, query: Query) {
    const scope = visibleTo(actor);
    const filters = query.filters ? { $and: [query.filters, scope] } : scope;
    return strapi.service(ROUND_UID).find({ ...query, filters, populate: LIST_POPULATE }) as Promise<{ results: unknown[]; pagination: unknown }>;
  },

  async getFor(actor: Actor, documentId: string) {
    const round = await this.get(documentId);
    return round && (round.status !== 'draft' || isResearcher(actor)) ? round : null;
  },

  async createRound(data: RoundInput) {
    if (data.status !== undefined && data.status !== 'draft') {
      throw new errors.ValidationError('A round starts as a draft; move it with POST /selection-rounds/:id/transition', {
        errors: [{ path: ['status'], message: 'status is set by transitions', name: 'ValidationError' }],
      });
    }
    if (!data.library) {
      throw new errors.ValidationError('library is required', { errors: [{ path: ['library'], message: 'library is required', name: 'ValidationError' }] });
    }
    validateRoundData(data);
    const library = await strapi.documents('api::library.library').findOne({ documentId: String(data.library) });
    if (!library) throw new errors.ValidationError('library not found', { errors: [{ path: ['library'], message: 'library not found', name: 'ValidationError' }] });
    return decide(strapi, 'selection-round.create', async (trx) => {
      // Two rounds for one library and year would both fill it; the name lock makes the check and the insert one step.
      await lockName(strapi, trx, `selection-round:${library.documentId}:${data.year}`);
      const clash = await strapi.db.query(ROUND_UID).findOne({ where: { library: { id: library.id }, year: data.year } });
      if (clash) throw new ConflictError(`${library.nameZh} already has a ${data.year} round`, { round: clash.documentId });
      const { finalisedAt: _ignored, ...rest } = data;
      return strapi.documents(ROUND_UID).create({ data: { ...rest, status: 'draft' }, populate: ROUND_POPULATE });
    });
  },

  /** Only a draft round can be edited; status moves only through transitions. */
  async updateRound(documentId: string, data: RoundInput) {
    if (data.status !== undefined || data.finalisedAt !== undefined) {
      throw new errors.ValidationError('status changes only through POST /selection-rounds/:id/transition', {
        errors: [{ path: ['status'], message: 'status is set by transitions', name: 'ValidationError' }],
      });
    }
    return decide(strapi, 'selection-round.update', async (trx) => {
      await lockRows(strapi, trx, ROUND_UID, 'document_id', [documentId]);
      const round = await this.get(documentId);
      if (!round) return null;
      if (round.status !== 'draft') throw new ConflictError(`The round is ${round.status}; only a draft round can be edited`, { status: round.status });
      validateRoundData({ ...round, ...data });
      return strapi.documents(ROUND_UID).update({ documentId, data, populate: ROUND_POPULATE });
    });
  },

  /**
   * One step forward only. The round's row is locked before its status is read, so of two identical
   * transitions the second waits, then sees the new status and gets a 409.
   */
  async transition(documentId: string, to: unknown, options: { allowIncomplete?: boolean } = {}) {
    return decide(strapi, 'selection-round.transition', async (trx) => {
      await lockRows(strapi, trx, ROUND_UID, 'document_id', [documentId]);
      const round = await this.get(documentId);
      if (!round) return null;
      assertTransition(round.status, to);
      if (to === 'finalised') return this.finaliseLocked(round, options);
      const changed = await strapi.db.query(ROUND_UID).updateMany({ where: { documentId, status: round.status }, data: { status: to } });
      if (changed.count === 0) throw new ConflictError('The round was changed by someone else; reload and try again');
      return this.get(documentId);
    });
  },

  /**
   * Ranks the live submissions by mean weighted score and selects up to the quota, never past the library's
   * remaining room. Refused while a live submission has fewer scored reviews than the round's minimum, unless
   * the researcher finalises explicitly with allowIncomplete. Decided once: a second finalise is a 409.
   */
  async finalise(documentId: string, options: { allowIncomplete?: boolean } = {}) {
    return decide(strapi, 'selection-round.finalise', async (trx) => {
      await lockRows(strapi, trx, ROUND_UID, 'document_id', [documentId]);
      const round = await this.get(documentId);
      if (!round) return null;
      return this.finaliseLocked(round, options);
    }, 'The round was finalised by another request');
  },

  /** The decision itself; the caller holds the round's lock inside its transaction. */
  async finaliseLocked(round: Round, { allowIncomplete = false }: { allowIncomplete?: boolean } = {}) {
    if (round.status === 'finalised') {
      throw new ConflictError('The round is already finalised', { finalisedAt: round.finalisedAt, entries: (await this.entriesOf(round.id)).map((e) => e.documentId) });
    }
    if (round.status !== 'reviewing') throw new ConflictError(`A ${round.status} round cannot be finalised; it must be reviewing`);

    const { candidates, incomplete, selected } = await this.rankingOf(round);
    if (incomplete.length > 0 && !allowIncomplete) {
      throw new ConflictError(
        `${incomplete.length} submission(s) have fewer than ${round.minReviews} scored reviews; score them, or finalise with allowIncomplete: true to leave them out`,
        { minReviews: round.minReviews, submissions: incomplete.map((c) => ({ documentId: c.documentId, scoredReviews: c.reviews })) }
      );
    }
    const library = round.library;
    const selectedIds = new Set(selected.map((s) => s.id));

    const claimed = await strapi.db
      .query(ROUND_UID)
      .updateMany({ where: { id: round.id, status: 'reviewing' }, data: { status: 'finalised', finalisedAt: new Date() } });
    if (claimed.count === 0) throw new ConflictError('The round was changed by someone else; reload and try again');

    for (const [index, submission] of selected.entries()) {
      const rank = index + 1;
      const resource = await this.resourceSnapshot(submission.resourceType, submission.resourceDocumentId);
      await strapi.documents(ENTRY_UID).create({
        data: {
          library: library.documentId,
          round: round.documentId,
          submission: submission.documentId,
          year: round.year,
          rank,
          awardLevel: awardLevel(rank, selected.length),
          score: submission.score,
          resourceType: submission.resourceType,
          resourceDocumentId: submission.resourceDocumentId,
          title: resource?.title ?? submission.resourceTitle,
          gradeBand: resource?.gradeBand ?? null,
          themes: (resource?.themes ?? []).map((theme) => theme.documentId),
          entryKey: keys.entry(library.documentId, submission.resourceDocumentId),
        },
      });
      await strapi.db.query(SUBMISSION_UID).update({ where: { id: submission.id }, data: { status: 'selected', rank, score: submission.score } });
    }
    for (const candidate of candidates.filter((c) => !selectedIds.has(c.id))) {
      await strapi.db.query(SUBMISSION_UID).update({
        where: { id: candidate.id },
        data: { status: 'not_selected', score: candidate.reviews ? candidate.score : null },
      });
    }
    return { round: await this.get(round.documentId), entries: await this.entriesOf(round.id) };
  },

  /**
   * What finalising would decide now, read without writing: the live submissions with their mean scores, those
   * short of reviews, and the selection (up to the quota, never past the library's remaining room, never a
   * resource already in the library). finaliseLocked decides from this; preview shows it.
   */
  async rankingOf(round: Round) {
    const submissions: SubmissionRow[] = await strapi.db.query(SUBMISSION_UID).findMany({
      where: { round: { id: round.id }, status: 'submitted' },
      orderBy: { id: 'asc' },
    });
    const reviews: { weightedScore: string | number; submission: { id: number } }[] = await strapi.db.query(REVIEW_UID).findMany({
      where: { submission: { round: { id: round.id } }, status: 'submitted' },
      populate: { submission: { select: ['id'] } },
    });
    const scoresBySubmission = new Map<number, number[]>();
    for (const review of reviews) {
      const list = scoresBySubmission.get(review.submission.id) ?? [];
      list.push(Number(review.weightedScore));
      scoresBySubmission.set(review.submission.id, list);
    }
    const candidates = submissions.map((submission): SubmissionRow & { score: number; reviews: number } => {
      const scores = scoresBySubmission.get(submission.id) ?? [];
      const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
      return { ...submission, score: Math.round(mean * 1000) / 1000, reviews: scores.length };
    });
    const incomplete = candidates.filter((c) => c.reviews < round.minReviews);
    // A resource already in the library (selected by an earlier round) is never selected twice.
    const existing: { resourceDocumentId: string }[] = await strapi.db.query(ENTRY_UID).findMany({ where: { library: { id: round.library.id } }, select: ['resourceDocumentId'] });
    const inLibrary = new Set(existing.map((e) => e.resourceDocumentId));
    const eligible = rankCandidates(candidates.filter((c) => c.reviews >= round.minReviews && !inLibrary.has(c.resourceDocumentId)));
    const room = Math.max(0, round.library.target - inLibrary.size);
    const selected = eligible.slice(0, Math.min(round.quota, room));
    return { candidates, incomplete, room, selected };
  },

  /**
   * The confirmation before finalising: what finalise would select now (rank, award level, mean score), and
   * the live submissions it would leave out. The same checks as finalise, nothing written.
   */
  async preview(documentId: string) {
    const round = await this.get(documentId);
    if (!round) return null;
    if (round.status !== 'reviewing') throw new ConflictError(`A ${round.status} round cannot be finalised; it must be reviewing`, { status: round.status });
    const { candidates, incomplete, room, selected } = await this.rankingOf(round);
    const selectedIds = new Set(selected.map((s) => s.id));
    const summary = (c: (typeof candidates)[number]) => ({
      submission: c.documentId,
      resourceType: c.resourceType,
      resourceDocumentId: c.resourceDocumentId,
      title: c.resourceTitle,
      score: c.score,
      scoredReviews: c.reviews,
    });
    return {
      round: { documentId: round.documentId, title: round.title, year: round.year, status: round.status, quota: round.quota, minReviews: round.minReviews },
      library: { nameZh: round.library.nameZh, nameEn: round.library.nameEn, target: round.library.target, room },
      selected: selected.map((c, index) => ({ ...summary(c), rank: index + 1, awardLevel: awardLevel(index + 1, selected.length) })),
      incomplete: incomplete.map(summary),
      notSelected: candidates.filter((c) => !selectedIds.has(c.id) && c.reviews >= round.minReviews).map(summary),
      // Finalising now needs allowIncomplete: true (it leaves these out).
      needsAllowIncomplete: incomplete.length > 0,
    };
  },

  async resourceSnapshot(type: ContentType, documentId: string): Promise<ResourceSnapshot | null> {
    const uid = CONTENT_UIDS[type];
    for (const status of ['published', 'draft'] as const) {
      const doc = await strapi.documents(uid).findOne({ documentId, status, fields: ['title', 'gradeBand'], populate: { themes: { fields: ['documentId'] } } });
      if (doc) return doc as ResourceSnapshot;
    }
    return null;
  },

  async entriesOf(roundId: number): Promise<LibraryEntrySummary[]> {
    return strapi.db.query(ENTRY_UID).findMany({
      where: { round: { id: roundId } },
      orderBy: { rank: 'asc' },
      select: ['documentId', 'rank', 'awardLevel', 'score', 'resourceType', 'resourceDocumentId', 'title', 'year'],
    });
  },

  /** Rubric of a round, for scoring. */
  rubricOf(round: Pick<Round, 'rubric'>): Criterion[] {
    return (round.rubric ?? []).map((c) => ({ key: c.key, name: c.name, weight: Number(c.weight), minScore: c.minScore, maxScore: c.maxScore }));
  },
}));
