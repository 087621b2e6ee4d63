import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { callerProfile } from '../../../platform/actor';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /me/transcript?schoolYear=2025-2026 — the caller's own hours. */
  async mine(ctx) {
    const profile = await callerProfile(strapi, ctx);
    if (!profile.teacher) throw new errors.NotFoundError('This account has no teacher profile, so no transcript');
    ctx.body = { data: await strapi.service('api::transcript.transcript').forTeacher(profile.teacher.documentId, ctx.query.schoolYear) };
  },

  /** GET /transcripts/:teacherDocumentId?schoolYear=… — any teacher's hours, for coordinators. */
  async findOne(ctx) {
    ctx.body = { data: await strapi.service('api::transcript.transcript').forTeacher(ctx.params.id, ctx.query.schoolYear) };
  },
});
