import { factories } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';
import { accountOf, scopeOf } from '../../../platform/actor';
import { assertTeacherInScope, teacherFilter } from '../../../platform/scope';
import { importRoster } from '../../../platform/roster-import';
import { uploadedFile } from '../../../shared/multipart';
import { confirmMhPost } from '../../../platform/mh-post';
import { reissueActivation } from '../../../platform/activation';
import { audit } from '../../../shared/audit';
import { ConflictError } from '../../../shared/errors';

// Fixed server-side populate: the school's public fields only, whatever the client asks for.
const TEACHER_POPULATE = { school: { fields: ['name', 'code', 'city', 'district'] } };

export default factories.createCoreController('api::teacher.teacher', () => ({
  async find(ctx) {
    const { actor, query } = await readRequest(strapi, this, ctx, 'api::teacher.teacher');
    // Staff see the teachers of their scope (city, district or school).
    const scope = teacherFilter(scopeOf(actor));
    const filters = Object.keys(scope).length ? (query.filters ? { $and: [query.filters, scope] } : scope) : query.filters;
    const { results, pagination } = await strapi
      .service('api::teacher.teacher')
      .find({ ...query, ...(filters ? { filters } : {}), populate: TEACHER_POPULATE });
    const sanitized = await this.sanitizeOutput(results, ctx);
    return this.transformResponse(sanitized, { pagination });
  },

  /** POST /teachers/import (multipart field "file", CSV or XLSX; ?dryRun=true) — coordinators. */
  async import(ctx) {
    const { actor } = await readRequest(strapi, {}, ctx, 'api::teacher.teacher');
    const file = uploadedFile(ctx, 'file');
    if (!file) return ctx.badRequest('Attach the roster as the multipart field "file" (CSV or XLSX)', { path: ['file'] });
    const dryRun = ['true', '1', 'yes'].includes(String(ctx.query.dryRun ?? '').toLowerCase());
    const report = await importRoster(strapi, { filePath: file.filepath, actor: accountOf(actor), scope: scopeOf(actor), dryRun });
    ctx.status = !dryRun && report.created > 0 ? 201 : 200;
    ctx.body = { data: report };
  },

  /** POST /teachers/:id/confirm-mh-post — researchers confirm a mental-health post (dual control, audited, never their own). */
  async confirmMhPost(ctx) {
    const { actor } = await readRequest(strapi, {}, ctx, 'api::teacher.teacher');
    await assertTeacherInScope(strapi, scopeOf(actor), String(ctx.params.id));
    const result = await confirmMhPost(strapi, accountOf(actor), String(ctx.params.id));
    ctx.body = { data: result };
  },

  /** POST /teachers/:id/resend-activation — coordinators: a new one-time code goes to the teacher's email; the answer is the delivery status only. */
  async resendActivation(ctx) {
    const { actor } = await readRequest(strapi, {}, ctx, 'api::teacher.teacher');
    await assertTeacherInScope(strapi, scopeOf(actor), String(ctx.params.id));
    const teacher = await strapi.db.query('api::teacher.teacher').findOne({
      where: { documentId: String(ctx.params.id) },
      select: ['documentId', 'name', 'staffNumber'],
      populate: { user: { select: ['id'] } },
    });
    if (!teacher) return ctx.notFound('Teacher not found');
    if (!teacher.user) throw new ConflictError('This teacher has no login account');
    const { delivery, activated } = await reissueActivation(strapi, teacher.user.id, teacher.name);
    if (activated) throw new ConflictError('This account is already activated; the teacher can change the password or ask an administrator');
    await audit(strapi, { entityType: 'teacher', entityDocumentId: teacher.documentId, action: 'resend-activation', actor: accountOf(actor), after: { delivery } });
    ctx.body = { data: { staffNumber: teacher.staffNumber, delivery } };
  },

  async findOne(ctx) {
    const { actor, query } = await readRequest(strapi, this, ctx, 'api::teacher.teacher');
    await assertTeacherInScope(strapi, scopeOf(actor), String(ctx.params.id));
    const entity = await strapi
      .service('api::teacher.teacher')
      .findOne(ctx.params.id, { ...query, populate: TEACHER_POPULATE });
    if (!entity) return ctx.notFound('Teacher not found');
    const sanitized = await this.sanitizeOutput(entity, ctx);
    return this.transformResponse(sanitized);
  },
}));
