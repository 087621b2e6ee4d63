import { factories, type Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { readRequest } from '../../../platform/request';
import { accountOf, scopeOf } from '../../../platform/actor';
import { importAttendance } from '../../../training/attendance-import';
import { uploadedFile } from '../../../shared/multipart';
import { evidenceFor, sendPrivateFile, withEvidenceUrl } from '../../../training/evidence';
import type creditService from '../services/credit-record';

const CREDIT_UID = 'api::credit-record.credit-record';
type CreditService = ReturnType<typeof creditService>;

export default factories.createCoreController(CREDIT_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(CREDIT_UID) as CreditService;
  // The body's `data` on create: JSON text in a multipart body, or an object.
  const rawData = (ctx: Context): unknown => (ctx.request.body as { data?: unknown } | undefined)?.data ?? {};
  // The populate is fixed server-side (teacher name and staff number, course title), so output is sanitized
  // against the schema only: a teacher may see their own name without reading the teacher API.
  // Evidence is a private file: its url is the authorised download route, never a public path.
  const output = async (data: unknown) => withEvidenceUrl(await strapi.contentAPI.sanitize.output(data, strapi.getModel(CREDIT_UID)));
  const respond = async (controller: { transformResponse?(data: unknown): unknown }, _ctx: Context, data: unknown) => controller.transformResponse(await output(data));
  return {
    async find(ctx) {
      const { actor, query } = await readRequest(strapi, this, ctx, CREDIT_UID);
      const { results, pagination } = await service().listFor(actor, query);
      return this.transformResponse(await output(results), { pagination });
    },

    async findOne(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, CREDIT_UID);
      const { results } = await service().listFor(actor, { filters: { documentId: { $eq: ctx.params.id } } });
      if (!results[0]) return ctx.notFound('Credit record not found');
      return respond(this, ctx, results[0]);
    },

    /** GET /credit-records/:id/evidence — the record's teacher and coordinators download it; anyone else gets 404. */
    async evidence(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, CREDIT_UID);
      const file = await evidenceFor(strapi, actor, ctx.params.id);
      if (!file || !(await sendPrivateFile(strapi, ctx, file))) return ctx.notFound('Evidence not found');
    },

    /** JSON { data }, or multipart with a `data` field (JSON text) and the file `evidence`. */
    async create(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, CREDIT_UID);
      const evidence = uploadedFile(ctx, 'evidence');
      let data = rawData(ctx);
      if (typeof data === 'string') {
        try {
          data = JSON.parse(data);
        } catch {
          return ctx.badRequest('data must be JSON', { path: ['data'] });
        }
      }
      const record = await service().submit(actor, (data ?? {}) as Record<string, unknown>, evidence);
      ctx.status = 201;
      return respond(this, ctx, record);
    },

    async update(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, CREDIT_UID, { data: 'declared' });
      const record = await service().edit(actor, ctx.params.id, data);
      if (!record) return ctx.notFound('Credit record not found');
      return respond(this, ctx, record);
    },

    async approve(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, CREDIT_UID, { data: 'declared' });
      const [record] = await service().decide(actor, [ctx.params.id], 'approved');
      return respond(this, ctx, record);
    },

    async reject(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, CREDIT_UID, { data: 'declared' });
      const [record] = await service().decide(actor, [ctx.params.id], 'rejected', data.reason);
      return respond(this, ctx, record);
    },

    /** POST /credit-records/decisions { data: { records: [...], decision: approved|rejected, reason } } — all or nothing. */
    async decide(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, CREDIT_UID, { data: 'declared' });
      const { records, decision, reason } = data;
      if (decision !== 'approved' && decision !== 'rejected') return ctx.badRequest('decision must be approved or rejected', { path: ['decision'] });
      const decided = await service().decide(actor, records, decision, reason);
      return this.transformResponse(await output(decided));
    },

    /** POST /credit-records/import (multipart, field "file"; ?dryRun=true, ?partial=true) — CSV or XLSX attendance. */
    async import(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, CREDIT_UID);
      const file = uploadedFile(ctx, 'file');
      if (!file) return ctx.badRequest('Attach the attendance sheet as the multipart field "file" (CSV or XLSX)', { path: ['file'] });
      const flag = (name: string) => ['true', '1', 'yes'].includes(String(ctx.query[name] ?? '').toLowerCase());
      const report = await importAttendance(strapi, { filePath: file.filepath, actor: accountOf(actor), scope: scopeOf(actor), dryRun: flag('dryRun'), partial: flag('partial') });
      ctx.status = report.dryRun || report.imported === 0 ? 200 : 201;
      ctx.body = { data: report };
    },

    async reverse(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, CREDIT_UID, { data: 'declared' });
      const reversal = await service().reverse(actor, ctx.params.id, data.reason);
      ctx.status = 201;
      return respond(this, ctx, reversal);
    },
  };
});
