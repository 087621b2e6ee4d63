import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { scopeOfAdmin, schoolFilter, type Scope } from '../platform/scope';
import type { Actor } from '../platform/actor';
import { evidenceFor, sendPrivateFile } from '../training/evidence';
import { assertSchoolYear, schoolYearOf } from '../training/ledger';

/*
 * The staff's workspace in the admin panel: admin routes under /xinyu, guarded by admin permissions of their
 * own (granted to the staff roles in database/reference/admin-roles.json), calling the same services as the
 * REST API. The homepage widgets (src/admin/app.tsx) draw what these answer.
 */
const CATEGORY = '心育工作台 Workspace';
export const WORKSPACE_ACTIONS = [
  { uid: 'workspace.library-progress', displayName: '资源库进度 Library progress toward 100/100/100' },
  { uid: 'workspace.compliance', displayName: '学时达标看板 Compliance by district and school' },
  { uid: 'workspace.approvals', displayName: '学时审批 Approve and reject pending credit hours' },
];

/** Register: before the admin's bootstrap syncs the super admin's permissions, and before our admin roles grant them. */
export async function registerWorkspaceActions(strapi: Core.Strapi) {
  const actions = strapi.service('admin::permission').actionProvider;
  const missing = WORKSPACE_ACTIONS.filter((action) => !actions.has(`api::${action.uid}`));
  if (missing.length) await actions.registerMany(missing.map((action) => ({ ...action, section: 'settings', category: CATEGORY })));
}

type AdminContext = Context & { state: { user?: { id: number; email?: string } } };

/**
 * The actor of an admin-panel coordinator: the same services decide for them as for a REST coordinator, within
 * their scope. They have no content-API account: id 0 matches no account (so "not your own record" holds), no
 * decidedBy link is written, and the audit trail names them `admin:<email>`.
 */
async function coordinatorActor(strapi: Core.Strapi, ctx: AdminContext): Promise<Actor> {
  const scope = await panelScope(strapi, ctx);
  return { role: 'coordinator', account: { id: 0, documentId: '', username: `admin:${ctx.state.user?.email ?? ctx.state.user?.id}` }, teacher: null, scope };
}

interface CreditService {
  listFor(actor: Actor, query: Record<string, unknown>): Promise<{ results: unknown[]; pagination: unknown }>;
  decide(actor: Actor, ids: unknown, decision: 'approved' | 'rejected', reason?: unknown): Promise<unknown[]>;
}
const credits = (strapi: Core.Strapi) => strapi.service('api::credit-record.credit-record') as unknown as CreditService;

const guarded = (action: string) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [`api::${action}`] } }],
});

/** The scope of the signed-in panel user: the super admin's is the city; staff without one are refused. */
async function panelScope(strapi: Core.Strapi, ctx: AdminContext): Promise<Scope> {
  const user = ctx.state.user;
  if (!user) throw new errors.UnauthorizedError();
  const roles: { code: string }[] = (await strapi.db.query('admin::user').findOne({ where: { id: user.id }, populate: { roles: { select: ['code'] } } }))?.roles ?? [];
  // The super admin sees the city; staff see their scope, and staff without one see nothing.
  if (roles.some((role) => role.code === 'strapi-super-admin')) return { level: 'city' };
  const scope = await scopeOfAdmin(strapi, Number(user.id));
  if (!scope) throw new errors.ForbiddenError('No scope is assigned to this account (管辖范围 Staff scope)');
  return scope;
}

/** Compliance of this school year per district of the scope (per school within a district or school scope). */
export async function complianceByArea(strapi: Core.Strapi, scope: Scope, schoolYear: string) {
  const report = strapi.service('api::report.report') as { compliance(query: Record<string, unknown>, scope?: Scope): Promise<{ rows: { district: string; schoolCode: string; schoolName: string; teachers: number; meeting: number }[] }> };
  const schools = await strapi.documents('api::school.school').findMany({ filters: schoolFilter(scope), fields: ['district', 'code'], limit: 10_000 } as never);
  const districts = [...new Set(schools.map((s) => String(s.district)))].sort();
  const byCity = scope.level === 'city';
  const areas = new Map<string, { area: string; teachers: number; meeting: number }>();
  for (const district of byCity ? districts : [null]) {
    const query = district ? { schoolYear, district } : scope.level === 'district' ? { schoolYear, district: scope.district } : { schoolYear, school: (scope as { schoolCode: string }).schoolCode };
    const { rows } = await report.compliance(query, scope);
    for (const row of rows) {
      const area = byCity ? row.district : row.schoolName;
      const current = areas.get(area) ?? { area, teachers: 0, meeting: 0 };
      // Rows are per school and position; a teacher with two positions counts under each, as in the report.
      current.teachers += row.teachers;
      current.meeting += row.meeting;
      areas.set(area, current);
    }
  }
  return {
    schoolYear,
    level: byCity ? 'district' : 'school',
    areas: [...areas.values()].map((a) => ({ ...a, share: a.teachers ? Math.round((a.meeting / a.teachers) * 1000) / 1000 : 0 })),
  };
}

/** Register: the workspace's admin routes. */
export function registerWorkspaceRoutes(strapi: Core.Strapi) {
  const admin = strapi.admin as unknown as { routes: Record<string, unknown> };
  admin.routes['xinyu-workspace'] = {
    type: 'admin',
    prefix: '/xinyu',
    routes: [
      {
        method: 'GET',
        path: '/widgets/library-progress',
        handler: async (ctx: AdminContext) => {
          ctx.body = { data: await (strapi.service('api::library.library') as { progress(): Promise<unknown> }).progress() };
        },
        config: guarded('workspace.library-progress'),
      },
      {
        method: 'GET',
        path: '/widgets/compliance',
        handler: async (ctx: AdminContext) => {
          const scope = await panelScope(strapi, ctx);
          const schoolYear = ctx.query.schoolYear === undefined ? schoolYearOf(new Date()) : assertSchoolYear(ctx.query.schoolYear);
          ctx.body = { data: await complianceByArea(strapi, scope, schoolYear) };
        },
        config: guarded('workspace.compliance'),
      },
      {
        // The approval queue: pending records of the teachers in scope, oldest first.
        method: 'GET',
        path: '/approvals',
        handler: async (ctx: AdminContext) => {
          const actor = await coordinatorActor(strapi, ctx);
          const page = Math.max(1, Number.parseInt(String(ctx.query.page ?? '1'), 10) || 1);
          const pageSize = Math.min(100, Math.max(1, Number.parseInt(String(ctx.query.pageSize ?? '50'), 10) || 50));
          const { results, pagination } = await credits(strapi).listFor(actor, { filters: { status: { $eq: 'pending' } }, sort: ['date:asc', 'id:asc'], pagination: { page, pageSize } });
          const sanitized = await strapi.contentAPI.sanitize.output(results, strapi.getModel('api::credit-record.credit-record'));
          ctx.body = { data: sanitized, meta: { pagination } };
        },
        config: guarded('workspace.approvals'),
      },
      {
        method: 'GET',
        path: '/approvals/:id/evidence',
        handler: async (ctx: AdminContext) => {
          const file = await evidenceFor(strapi, await coordinatorActor(strapi, ctx), String(ctx.params.id));
          if (!file || !(await sendPrivateFile(strapi, ctx, file))) throw new errors.NotFoundError('Evidence not found');
        },
        config: guarded('workspace.approvals'),
      },
      {
        // One or many records, approved or rejected (with a reason), all or nothing — the ledger's own decision.
        method: 'POST',
        path: '/approvals/decisions',
        handler: async (ctx: AdminContext) => {
          const body = (ctx.request.body ?? {}) as { data?: { records?: unknown; decision?: unknown; reason?: unknown } };
          const { records, decision, reason } = body.data ?? {};
          if (decision !== 'approved' && decision !== 'rejected') throw new errors.ValidationError('decision must be approved or rejected', { errors: [{ path: ['decision'], message: 'decision must be approved or rejected', name: 'ValidationError' }] });
          const decided = await credits(strapi).decide(await coordinatorActor(strapi, ctx), records, decision, reason);
          ctx.body = { data: await strapi.contentAPI.sanitize.output(decided, strapi.getModel('api::credit-record.credit-record')) };
        },
        config: guarded('workspace.approvals'),
      },
    ],
  };
}
