import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { scopeOfAdmin, type Scope } from '../platform/scope';
import type { Actor, Role } from '../platform/actor';

/*
 * What every workspace route shares: the admin-panel caller, their scope, the actor the services decide for,
 * and the permission guard. The routes themselves live by area (approvals.ts, training.ts, library.ts).
 */
export type AdminContext = Context & { state: { user?: { id: number; email?: string; roles?: { code: string }[] } } };

/** An admin route of the workspace: `/xinyu/<path>`, guarded by one workspace action. */
export interface WorkspaceRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: (ctx: AdminContext) => Promise<void>;
  config: { policies: unknown[] };
}

/** A workspace action (admin RBAC permission) registered at boot and granted by database/reference/admin-roles.json. */
export interface WorkspaceAction {
  uid: string;
  displayName: string;
}

export const guarded = (action: string) => ({
  policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [`api::${action}`] } }],
});

/** The scope of the signed-in panel user: the super admin's is the city; staff without one are refused. */
export async function panelScope(strapi: Core.Strapi, ctx: AdminContext): Promise<Scope> {
  const user = ctx.state.user;
  if (!user) throw new errors.UnauthorizedError();
  // The admin's auth strategy puts the user with their roles on the state; read them again only if it did not.
  const roles = user.roles ?? ((await strapi.db.query('admin::user').findOne({ where: { id: user.id }, populate: { roles: { select: ['code'] } } }))?.roles as { code: string }[] | undefined) ?? [];
  if (roles.some((role) => role.code === 'strapi-super-admin')) return { level: 'city' };
  const scope = await scopeOfAdmin(strapi, Number(user.id));
  if (!scope) throw new errors.ForbiddenError('No scope is assigned to this account (管辖范围 Staff scope)');
  return scope;
}

/**
 * The actor of a panel user: the same services decide for them as for a REST coordinator or researcher, within
 * their scope. They have no content-API account: id 0 matches no account (so "not your own record" holds), no
 * decidedBy link is written, and the audit trail names them `admin:<email>`.
 */
export async function panelActor(strapi: Core.Strapi, ctx: AdminContext, role: Extract<Role, 'coordinator' | 'researcher'> = 'coordinator'): Promise<Actor> {
  const scope = await panelScope(strapi, ctx);
  return { role, account: { id: 0, documentId: '', username: `admin:${ctx.state.user?.email ?? ctx.state.user?.id}` }, teacher: null, scope };
}

/** ?page and ?pageSize, bounded. */
export function paging(query: Record<string, unknown>, defaultSize = 50) {
  const page = Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1);
  const pageSize = Math.min(100, Math.max(1, Number.parseInt(String(query.pageSize ?? defaultSize), 10) || defaultSize));
  return { page, pageSize };
}
