import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type reportService from '../services/report';
import { callerProfile, scopeOf } from '../../../platform/actor';
import { fieldError } from '../../../shared/errors';
import type { Scope } from '../../../platform/scope';

type ReportService = ReturnType<typeof reportService>;
type Table = ReturnType<ReportService['rowsTable']>;

const FORMATS = ['json', 'csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];

/** ?format: json (the default), csv or xlsx; anything else is a 400 naming it. */
export function formatOf(query: Record<string, unknown>): Format {
  const format = query.format ?? 'json';
  if (!FORMATS.includes(format as Format)) throw fieldError('format', 'format must be json, csv or xlsx');
  return format as Format;
}

/** Sends a table as a CSV or XLSX download named after the report. */
export async function sendTable(service: ReportService, ctx: Context, table: Table, format: 'csv' | 'xlsx', fileName: string) {
  // Header values are Latin-1: an ASCII name for old clients, the Chinese one (district, school) per RFC 6266.
  const ascii = `${fileName.replace(/[^\w.-]+/g, '_')}.${format}`;
  ctx.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(`${fileName}.${format}`)}`);
  if (format === 'csv') {
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.body = service.csvOf(table);
  } else {
    ctx.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    ctx.body = await service.xlsxOf(table, fileName);
  }
}

/**
 * GET /reports/compliance with ?groupBy: the drill-down summary (city → district → school → teacher); without
 * it, the per school and position rows of one district or school. Both as JSON, CSV or XLSX. Shared by the REST
 * API and the admin panel's compliance page (src/workspace/dashboard.ts).
 */
export async function complianceResponse(strapi: Core.Strapi, ctx: Context, query: Record<string, unknown>, scope: Scope, { summary: wantSummary = query.groupBy !== undefined } = {}) {
  const service = strapi.service('api::report.report') as ReportService;
  const format = formatOf(query);
  if (wantSummary) {
    const summary = await service.complianceSummary(query, scope);
    if (format !== 'json') {
      const where = summary.area.school ?? summary.area.district ?? 'city';
      return sendTable(service, ctx, service.summaryTable(summary), format, `compliance-${summary.schoolYear}-${where}-by-${summary.groupBy}`);
    }
    ctx.body = { data: summary };
    return;
  }
  const report = await service.compliance(query, scope);
  if (format !== 'json') return sendTable(service, ctx, service.rowsTable(report.rows), format, `compliance-${report.schoolYear}`);
  ctx.body = { data: report.rows, meta: { schoolYear: report.schoolYear } };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /reports/compliance?schoolYear=2025-2026[&groupBy=district|school|teacher][&district=…|school=…][&format=csv|xlsx] */
  async compliance(ctx: Context) {
    const actor = await callerProfile(strapi, ctx);
    await complianceResponse(strapi, ctx, ctx.query, scopeOf(actor) ?? { level: 'city' });
  },
});
