import { factories, type Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { callerProfile } from '../../../platform/actor';
import { importAttendance } from '../../../training/attendance-import';
import { uploadedFile } from '../../../shared/multipart';
import { evidenceFor, sendPrivateFile, withEvidenceUrl } from '../../../training/evidence';
import type creditService from '../services/credit-record';

const CREDIT_UID = 'api::credit-record.credit-record';
type CreditService = ReturnType<typeof creditService>;

export default factories.createCoreController(CREDIT_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(CREDIT_UID) as CreditService;
  // The body's `data`: JSON text in a multipart body (create), otherwise an object (the routes' acceptsData checks it).
  const rawData = (ctx: Context): unknown => (ctx.request.body as { data?: unknown } | undefined)?.data ?? {};
  const body = (ctx: Context) => rawData(ctx) as Record<string, unknown>;
  // The populate is fixed server-side (teacher name and staff number, course title), so output is sanitized
  // against the schema only: a teacher may see their own name without reading the teacher API.
  // Evidence is a private file: its url is the authorised download route, never a public path.
  const output = async (data: unknown) => withEvidenceUrl(await strapi.contentAPI.sanitize.output(data, strapi.getModel(CREDIT_UID)));
  const respond = async (controller: { transformResponse?(data: unknown): unknown }, _ctx: Context, data: unknown) => controller.transformResponse(await output(data));
  return {
    async find(ctx) {
      await this.validateQuery(ctx);
      const query = await this.sanitizeQuery(ctx);
      const { results, pagination } = await service().listFor(await callerProfile(strapi, ctx), query);
      return this.transformResponse(await output(results), { pagination });
    },

    async findOne(ctx) {
      const { results } = await service().listFor(await callerProfile(strapi, ctx), { filters: { documentId: { $eq: ctx.params.id } } });
      if (!results[0]) return ctx.notFound('Credit record not found');
      return respond(this, ctx, results[0]);
    },

    /** GET /credit-records/:id/evidence — the record's teacher and coordinators download it; anyone else gets 404. */
    async evidence(ctx) {
      const file = await evidenceFor(strapi, await callerProfile(strapi, ctx), ctx.params.id);
      if (!file || !(await sendPrivateFile(strapi, ctx, file))) return ctx.notFound('Evidence not found');
    },

    /** JSON { data }, or multipart with a `data` field (JSON text) and the file `evidence`. */
    async create(ctx) {
      const evidence = uploadedFile(ctx, 'evidence');
      let data = rawData(ctx);
      if (typeof data === 'string') {
        try {
          data = JSON.parse(data);
        } catch {
          return ctx.badRequest('data must be JSON', { path: ['data'] });
        }
      }
      const record = await service().submit(await callerProfile(strapi, ctx), ctx.state.user, (data ?? {}) as Record<string, unknown>, evidence);
      ctx.status = 201;
      return respond(this, ctx, record);
    },

    async update(ctx) {
      const record = await service().edit(ctx.state.user, ctx.params.id, body(ctx));
      if (!record) return ctx.notFound('Credit record not found');
      return respond(this, ctx, record);
    },

    async approve(ctx) {
      const [record] = await service().decide(ctx.state.user, [ctx.params.id], 'approved');
      return respond(this, ctx, record);
    },

    async reject(ctx) {
      const [record] = await service().decide(ctx.state.user, [ctx.params.id], 'rejected', body(ctx).reason);
      return respond(this, ctx, record);
    },

    /** POST /credit-records/decisions { data: { records: [...], decision: approved|rejected, reason } } — all or nothing. */
    async decide(ctx) {
      const { records, decision, reason } = body(ctx);
      if (decision !== 'approved' && decision !== 'rejected') return ctx.badRequest('decision must be approved or rejected', { path: ['decision'] });
      const decided = await service().decide(ctx.state.user, records, decision, reason);
      return this.transformResponse(await output(decided));
    },

    /** POST /credit-records/import (multipart, field "file"; ?dryRun=true, ?partial=true) — CSV or XLSX attendance. */
    async import(ctx) {
      const file = uploadedFile(ctx, 'file');
      if (!file) return ctx.badRequest('Attach the attendance sheet as the multipart field "file" (CSV or XLSX)', { path: ['file'] });
      const flag = (name: string) => ['true', '1', 'yes'].includes(String(ctx.query[name] ?? '').toLowerCase());
      const report = await importAttendance(strapi, { filePath: file.filepath, actor: ctx.state.user, dryRun: flag('dryRun'), partial: flag('partial') });
      ctx.status = report.dryRun || report.imported === 0 ? 200 : 201;
      ctx.body = { data: report };
    },

    async reverse(ctx) {
      const reversal = await service().reverse(ctx.state.user, ctx.params.id, body(ctx).reason);
      ctx.status = 201;
      return respond(this, ctx, reversal);
    },
  };
});
