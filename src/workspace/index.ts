import type { Core } from '@strapi/strapi';
import { APPROVAL_ACTIONS, approvalRoutes } from './approvals';
import { DASHBOARD_ACTIONS, dashboardRoutes } from './dashboard';
import { LIBRARY_ACTIONS, libraryRoutes } from './library';
import { TRAINING_ACTIONS, trainingRoutes } from './training';

/*
 * The staff's workspace in the admin panel: admin routes under /xinyu, guarded by admin permissions of their
 * own (granted to the staff roles in database/reference/admin-roles.json), calling the same services as the
 * REST API. The pages and homepage widgets (src/admin/) draw what these answer.
 */
const CATEGORY = '心育工作台 Workspace';
export const WORKSPACE_ACTIONS = [...DASHBOARD_ACTIONS, ...APPROVAL_ACTIONS, ...TRAINING_ACTIONS, ...LIBRARY_ACTIONS];

/** Register: before the admin's bootstrap syncs the super admin's permissions, and before our admin roles grant them. */
export async function registerWorkspaceActions(strapi: Core.Strapi) {
  const actions = strapi.service('admin::permission').actionProvider;
  const missing = WORKSPACE_ACTIONS.filter((action) => !actions.has(`api::${action.uid}`));
  if (missing.length) await actions.registerMany(missing.map((action) => ({ ...action, section: 'settings', category: CATEGORY })));
}

/** Register: the workspace's admin routes. */
export function registerWorkspaceRoutes(strapi: Core.Strapi) {
  const admin = strapi.admin as unknown as { routes: Record<string, unknown> };
  admin.routes['xinyu-workspace'] = {
    type: 'admin',
    prefix: '/xinyu',
    routes: [...dashboardRoutes(strapi), ...approvalRoutes(strapi), ...trainingRoutes(strapi), ...libraryRoutes(strapi)],
  };
}
