import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { readRequest } from '../../../platform/request';
import { scopeOf } from '../../../platform/actor';
import { assertTeacherInScope } from '../../../platform/scope';
import type transcriptService from '../services/transcript';

type TranscriptService = ReturnType<typeof transcriptService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /me/transcript?schoolYear=2025-2026 — the caller's own hours. */
  async mine(ctx: Context) {
    const { actor: profile } = await readRequest(strapi, {}, ctx);
    if (!profile.teacher) throw new errors.NotFoundError('This account has no teacher profile, so no transcript');
    ctx.body = { data: await (strapi.service('api::transcript.transcript') as TranscriptService).forTeacher(profile.teacher.documentId, ctx.query.schoolYear) };
  },

  /** GET /transcripts/:teacherDocumentId?schoolYear=… — any teacher's hours, for coordinators. */
  async findOne(ctx: Context) {
    const { actor } = await readRequest(strapi, {}, ctx);
    // Outside the coordinator's scope a teacher's transcript does not exist.
    await assertTeacherInScope(strapi, scopeOf(actor), String(ctx.params.id));
    ctx.body = { data: await (strapi.service('api::transcript.transcript') as TranscriptService).forTeacher(ctx.params.id, ctx.query.schoolYear) };
  },
});
