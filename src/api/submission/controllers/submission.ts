import { factories, type Core } from '@strapi/strapi';
import { callerProfile } from '../../../platform/actor';
import { rejectIdentityPredicates } from '../../../shared/query-guards';
import type submissionService from '../services/submission';
import type { SubmitInput } from '../services/submission';

const SUBMISSION_UID = 'api::submission.submission';

export default factories.createCoreController(SUBMISSION_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(SUBMISSION_UID) as ReturnType<typeof submissionService>;
  return {
    async find(ctx) {
      await this.validateQuery(ctx);
      const query = await this.sanitizeQuery(ctx);
      rejectIdentityPredicates(strapi, SUBMISSION_UID, query);
      const { results, pagination } = await service().listFor(await callerProfile(strapi, ctx), query);
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const submission = await service().getFor(await callerProfile(strapi, ctx), ctx.params.id);
      if (!submission) return ctx.notFound('Submission not found');
      return this.transformResponse(await this.sanitizeOutput(submission, ctx));
    },

    /** POST /submissions { data: { round, resource } } — round and resource are documentIds. */
    async create(ctx) {
      const body: { data?: SubmitInput } | undefined = ctx.request.body;
      const data = body?.data ?? {};
      const submission = await service().submit(await callerProfile(strapi, ctx), data);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(submission, ctx));
    },

    async withdraw(ctx) {
      const submission = await service().withdraw(await callerProfile(strapi, ctx), ctx.params.id);
      return this.transformResponse(await this.sanitizeOutput(submission, ctx));
    },
  };
});
