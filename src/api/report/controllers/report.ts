import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type reportService from '../services/report';
import { callerProfile, scopeOf } from '../../../platform/actor';

type ReportService = ReturnType<typeof reportService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /reports/compliance?schoolYear=2025-2026&district=…|school=…[&format=csv] */
  async compliance(ctx: Context) {
    const service = strapi.service('api::report.report') as ReportService;
    const actor = await callerProfile(strapi, ctx);
    const report = await service.compliance(ctx.query, scopeOf(actor));
    if (ctx.query.format === 'csv') {
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="compliance-${report.schoolYear}.csv"`);
      ctx.body = service.toCsv(report.rows);
      return;
    }
    ctx.body = { data: report.rows, meta: { schoolYear: report.schoolYear } };
  },
});
