import type { Core } from '@strapi/strapi';
import type { Scope } from '../platform/scope';
import { complianceResponse } from '../api/report/controllers/report';
import { assertSchoolYear, schoolYearOf } from '../training/ledger';
import { guarded, panelScope, type WorkspaceAction, type WorkspaceRoute } from './panel';

/** The homepage widgets: library progress toward 100/100/100 and this school year's compliance by area. */
export const DASHBOARD_ACTIONS: WorkspaceAction[] = [
  { uid: 'workspace.library-progress', displayName: '资源库进度 Library progress toward 100/100/100' },
  { uid: 'workspace.compliance', displayName: '学时达标看板 Compliance by district and school' },
];

interface SummaryService {
  complianceSummary(query: Record<string, unknown>, scope: Scope): Promise<{ groupBy: string; areas: { name: string; teachers: number; meeting: number; share: number }[] }>;
}

/** The widget: this school year's compliance per district of the scope (per school within a district or school scope). */
export async function complianceByArea(strapi: Core.Strapi, scope: Scope, schoolYear: string) {
  const summary = await (strapi.service('api::report.report') as unknown as SummaryService).complianceSummary({ schoolYear, groupBy: scope.level === 'city' ? 'district' : 'school' }, scope);
  return { schoolYear, level: summary.groupBy, areas: summary.areas.map(({ name, teachers, meeting, share }) => ({ area: name, teachers, meeting, share })) };
}

export const dashboardRoutes = (strapi: Core.Strapi): WorkspaceRoute[] => [
  {
    method: 'GET',
    path: '/widgets/library-progress',
    handler: async (ctx) => {
      ctx.body = { data: await (strapi.service('api::library.library') as { progress(): Promise<unknown> }).progress() };
    },
    config: guarded('workspace.library-progress'),
  },
  {
    method: 'GET',
    path: '/widgets/compliance',
    handler: async (ctx) => {
      const scope = await panelScope(strapi, ctx);
      const schoolYear = ctx.query.schoolYear === undefined ? schoolYearOf(new Date()) : assertSchoolYear(ctx.query.schoolYear);
      ctx.body = { data: await complianceByArea(strapi, scope, schoolYear) };
    },
    config: guarded('workspace.compliance'),
  },
  {
    // The compliance page: the drill-down city → district → school → teacher, and its CSV/XLSX export — the REST
    // report's own response, within the panel user's scope.
    method: 'GET',
    path: '/compliance',
    handler: async (ctx) => {
      const scope = await panelScope(strapi, ctx);
      await complianceResponse(strapi, ctx, { ...ctx.query, schoolYear: ctx.query.schoolYear ?? schoolYearOf(new Date()) }, scope, { summary: true });
    },
    config: guarded('workspace.compliance'),
  },
];
