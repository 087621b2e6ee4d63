import type { Core } from '@strapi/strapi';
import { schoolFilter, type Scope } from '../platform/scope';
import { assertSchoolYear, schoolYearOf } from '../training/ledger';
import { guarded, panelScope, type WorkspaceAction, type WorkspaceRoute } from './panel';

/** The homepage widgets: library progress toward 100/100/100 and this school year's compliance by area. */
export const DASHBOARD_ACTIONS: WorkspaceAction[] = [
  { uid: 'workspace.library-progress', displayName: '资源库进度 Library progress toward 100/100/100' },
  { uid: 'workspace.compliance', displayName: '学时达标看板 Compliance by district and school' },
];

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
];
