import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldError } from '../shared/errors';
import { acceptsData, type RequestContext } from '../shared/query-guards';
import { teacherDrafts } from '../content/drafts';
import type roundService from '../api/selection-round/services/selection-round';
import type reviewService from '../api/review/services/review';
import type { RoundAssignment } from '../api/review/services/review';
import { guarded, paging, panelActor, panelScope, type AdminContext, type WorkspaceAction, type WorkspaceRoute } from './panel';

/**
 * Researchers' pages: the selection round board (state, submissions, reviewer assignment with candidates already
 * filtered for 回避 and case access, review progress, finalise behind a preview), library progress (the widget's
 * route, src/workspace/dashboard.ts), and the teachers' drafts awaiting review — each through the REST API's
 * services, as a researcher within the panel user's scope.
 */
export const LIBRARY_ACTIONS: WorkspaceAction[] = [
  { uid: 'workspace.selection', displayName: '遴选工作台 Selection rounds: submissions, reviewer assignment, finalising' },
  { uid: 'workspace.drafts', displayName: '待审草稿 Teachers\' drafts awaiting review' },
];

const ROUND_UID = 'api::selection-round.selection-round';
const SUBMISSION_UID = 'api::submission.submission';
const REVIEW_UID = 'api::review.review';

interface SubmissionService {
  listFor(actor: unknown, query: Record<string, unknown>): Promise<{ results: { documentId: string }[]; pagination: unknown }>;
}
const rounds = (strapi: Core.Strapi) => strapi.service(ROUND_UID) as unknown as ReturnType<typeof roundService>;
const reviews = (strapi: Core.Strapi) => strapi.service(REVIEW_UID) as unknown as ReturnType<typeof reviewService>;
const submissions = (strapi: Core.Strapi) => strapi.service(SUBMISSION_UID) as unknown as SubmissionService;
const sanitize = (strapi: Core.Strapi, uid: typeof ROUND_UID | typeof SUBMISSION_UID | typeof REVIEW_UID, data: unknown) => strapi.contentAPI.sanitize.output(data, strapi.getModel(uid));

/** The body's `data`, with only these keys (400 naming any other), as the REST routes' acceptsData checks it. */
async function dataOf(ctx: AdminContext, keys: string[]): Promise<Record<string, unknown>> {
  await acceptsData(keys)(ctx as unknown as RequestContext, async () => undefined);
  return ((ctx.request as { body?: { data?: Record<string, unknown> } }).body?.data ?? {}) as Record<string, unknown>;
}

/** A query parameter that must be a single string when given. */
function queryString(ctx: AdminContext, name: string): string | undefined {
  const value = ctx.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 100) throw fieldError(name, `${name} must be one text of at most 100 characters`);
  return value;
}

/** Review progress per reviewer: assigned and submitted, over the round's live submissions. */
function progressByReviewer(assignments: RoundAssignment[]) {
  const byReviewer = new Map<string, { username: string; name: string | null; assigned: number; submitted: number }>();
  for (const a of assignments) {
    if (!a.reviewer || a.submissionStatus === 'withdrawn') continue;
    const row = byReviewer.get(a.reviewer.username) ?? { ...a.reviewer, assigned: 0, submitted: 0 };
    row.assigned += 1;
    if (a.status === 'submitted') row.submitted += 1;
    byReviewer.set(a.reviewer.username, row);
  }
  return [...byReviewer.values()].sort((x, y) => x.username.localeCompare(y.username));
}

export const libraryRoutes = (strapi: Core.Strapi): WorkspaceRoute[] => [
  {
    // The rounds, newest year first, each with its count of live submissions.
    method: 'GET',
    path: '/selection/rounds',
    handler: async (ctx) => {
      const actor = await panelActor(strapi, ctx, 'researcher');
      const { results, pagination } = await rounds(strapi).listFor(actor, { sort: ['year:desc', 'id:desc'], pagination: paging(ctx.query) });
      const data = (await sanitize(strapi, ROUND_UID, results)) as { id: number; documentId: string }[];
      for (const round of data) {
        (round as Record<string, unknown>).submissions = await strapi.db.query(SUBMISSION_UID).count({ where: { round: { documentId: round.documentId }, status: { $ne: 'withdrawn' } } });
      }
      ctx.body = { data, meta: { pagination } };
    },
    config: guarded('workspace.selection'),
  },
  {
    // One round: its submissions (blind, as REST shows them to researchers), each with its reviewers, and the progress per reviewer.
    method: 'GET',
    path: '/selection/rounds/:id',
    handler: async (ctx) => {
      const actor = await panelActor(strapi, ctx, 'researcher');
      const round = await rounds(strapi).getFor(actor, String(ctx.params.id));
      if (!round) throw new errors.NotFoundError('Selection round not found');
      const { results, pagination } = await submissions(strapi).listFor(actor, {
        filters: { round: { documentId: { $eq: round.documentId } } },
        sort: ['submittedAt:asc', 'id:asc'],
        pagination: paging(ctx.query, 100),
      });
      const assignments = await reviews(strapi).assignmentsOfRound(round.documentId);
      const shown = (await sanitize(strapi, SUBMISSION_UID, results)) as { documentId: string }[];
      ctx.body = {
        data: {
          round: await sanitize(strapi, ROUND_UID, round),
          submissions: shown.map((submission) => ({
            ...submission,
            reviews: assignments.filter((a) => a.submission === submission.documentId).map(({ documentId, reviewer, status, submittedAt }) => ({ documentId, reviewer, status, submittedAt })),
          })),
          reviewers: progressByReviewer(assignments),
        },
        meta: { pagination },
      };
    },
    config: guarded('workspace.selection'),
  },
  {
    // draft → open → reviewing; finalising goes through the preview and /finalise.
    method: 'POST',
    path: '/selection/rounds/:id/transition',
    handler: async (ctx) => {
      await panelActor(strapi, ctx, 'researcher');
      const { status } = await dataOf(ctx, ['status']);
      if (status !== 'open' && status !== 'reviewing') throw fieldError('status', 'status must be open or reviewing; a round is finalised after its preview, through /finalise');
      const round = await rounds(strapi).transition(String(ctx.params.id), status);
      if (!round) throw new errors.NotFoundError('Selection round not found');
      ctx.body = { data: await sanitize(strapi, ROUND_UID, round) };
    },
    config: guarded('workspace.selection'),
  },
  {
    // What finalising now would select, without writing anything.
    method: 'GET',
    path: '/selection/rounds/:id/preview',
    handler: async (ctx) => {
      await panelActor(strapi, ctx, 'researcher');
      const preview = await rounds(strapi).preview(String(ctx.params.id));
      if (!preview) throw new errors.NotFoundError('Selection round not found');
      ctx.body = { data: preview };
    },
    config: guarded('workspace.selection'),
  },
  {
    method: 'POST',
    path: '/selection/rounds/:id/finalise',
    handler: async (ctx) => {
      await panelActor(strapi, ctx, 'researcher');
      const { allowIncomplete } = await dataOf(ctx, ['allowIncomplete']);
      if (allowIncomplete !== undefined && typeof allowIncomplete !== 'boolean') throw fieldError('allowIncomplete', 'allowIncomplete must be true or false');
      const result = await rounds(strapi).finalise(String(ctx.params.id), { allowIncomplete: allowIncomplete === true });
      if (!result) throw new errors.NotFoundError('Selection round not found');
      ctx.body = { data: await sanitize(strapi, ROUND_UID, result.round), meta: { entries: result.entries } };
    },
    config: guarded('workspace.selection'),
  },
  {
    // The accounts assign would accept for this submission (same rule), teachers limited to the panel user's scope.
    method: 'GET',
    path: '/selection/submissions/:id/candidates',
    handler: async (ctx) => {
      const scope = await panelScope(strapi, ctx);
      const q = queryString(ctx, 'q');
      const { pageSize: limit } = paging({ pageSize: ctx.query.limit }, 30);
      const { data, truncated } = await reviews(strapi).candidates(String(ctx.params.id), { q, limit, scope });
      ctx.body = { data, meta: { truncated } };
    },
    config: guarded('workspace.selection'),
  },
  {
    // Assign a reviewer: the REST assignment itself, which checks the rule again under the round's lock.
    method: 'POST',
    path: '/selection/reviews',
    handler: async (ctx) => {
      await panelActor(strapi, ctx, 'researcher');
      const { submission, reviewer } = await dataOf(ctx, ['submission', 'reviewer']);
      if (typeof submission !== 'string' || !submission) throw fieldError('submission', 'submission (a documentId) is required');
      const review = await reviews(strapi).assign({ submission, reviewer });
      ctx.status = 201;
      ctx.body = { data: { ...((await sanitize(strapi, REVIEW_UID, review)) as object), reviewer } };
    },
    config: guarded('workspace.selection'),
  },
  {
    // Teachers' never-published drafts across the three types, newest first.
    method: 'GET',
    path: '/drafts',
    handler: async (ctx) => {
      const actor = await panelActor(strapi, ctx, 'researcher');
      const { results, pagination } = await teacherDrafts(strapi, actor, { type: ctx.query.type, ...paging(ctx.query) });
      ctx.body = { data: results, meta: { pagination } };
    },
    config: guarded('workspace.drafts'),
  },
];
