import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldError } from '../shared/errors';
import type { Actor } from '../platform/actor';
import { evidenceFor, sendPrivateFile } from '../training/evidence';
import { guarded, paging, panelActor, type WorkspaceAction, type WorkspaceRoute } from './panel';

/** Coordinators' approval queue: the ledger's own listing and decision, within the panel user's scope. */
export const APPROVAL_ACTIONS: WorkspaceAction[] = [{ uid: 'workspace.approvals', displayName: '学时审批 Approve and reject pending credit hours' }];

interface CreditService {
  listFor(actor: Actor, query: Record<string, unknown>): Promise<{ results: unknown[]; pagination: unknown }>;
  decide(actor: Actor, ids: unknown, decision: 'approved' | 'rejected', reason?: unknown): Promise<unknown[]>;
}
const credits = (strapi: Core.Strapi) => strapi.service('api::credit-record.credit-record') as unknown as CreditService;
const sanitizeRecords = (strapi: Core.Strapi, records: unknown) => strapi.contentAPI.sanitize.output(records, strapi.getModel('api::credit-record.credit-record'));

export const approvalRoutes = (strapi: Core.Strapi): WorkspaceRoute[] => [
  {
    // The approval queue: pending records of the teachers in scope, oldest first.
    method: 'GET',
    path: '/approvals',
    handler: async (ctx) => {
      const { results, pagination } = await credits(strapi).listFor(await panelActor(strapi, ctx), { filters: { status: { $eq: 'pending' } }, sort: ['date:asc', 'id:asc'], pagination: paging(ctx.query) });
      ctx.body = { data: await sanitizeRecords(strapi, results), meta: { pagination } };
    },
    config: guarded('workspace.approvals'),
  },
  {
    method: 'GET',
    path: '/approvals/:id/evidence',
    handler: async (ctx) => {
      const file = await evidenceFor(strapi, await panelActor(strapi, ctx), String(ctx.params.id));
      if (!file || !(await sendPrivateFile(strapi, ctx, file))) throw new errors.NotFoundError('Evidence not found');
    },
    config: guarded('workspace.approvals'),
  },
  {
    // One or many records, approved or rejected (with a reason), all or nothing — the ledger's own decision.
    method: 'POST',
    path: '/approvals/decisions',
    handler: async (ctx) => {
      const body = (ctx.request.body ?? {}) as { data?: { records?: unknown; decision?: unknown; reason?: unknown } };
      const { records, decision, reason } = body.data ?? {};
      if (decision !== 'approved' && decision !== 'rejected') throw fieldError('decision', 'decision must be approved or rejected');
      const decided = await credits(strapi).decide(await panelActor(strapi, ctx), records, decision, reason);
      ctx.body = { data: await sanitizeRecords(strapi, decided) };
    },
    config: guarded('workspace.approvals'),
  },
];
