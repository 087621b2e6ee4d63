import { factories, type Core } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';
import type submissionService from '../services/submission';
import type { SubmitInput } from '../services/submission';

const SUBMISSION_UID = 'api::submission.submission';

export default factories.createCoreController(SUBMISSION_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(SUBMISSION_UID) as ReturnType<typeof submissionService>;
  return {
    async find(ctx) {
      const { actor, query } = await readRequest(strapi, this, ctx, SUBMISSION_UID, { hideIdentity: true });
      const { results, pagination } = await service().listFor(actor, query);
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, SUBMISSION_UID);
      const submission = await service().getFor(actor, ctx.params.id);
      if (!submission) return ctx.notFound('Submission not found');
      return this.transformResponse(await this.sanitizeOutput(submission, ctx));
    },

    /** POST /submissions { data: { round, resource } } — round and resource are documentIds. */
    async create(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, SUBMISSION_UID, { data: 'declared' });
      const submission = await service().submit(actor, data as SubmitInput);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(submission, ctx));
    },

    async withdraw(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, SUBMISSION_UID, { data: 'declared' });
      const submission = await service().withdraw(actor, ctx.params.id);
      return this.transformResponse(await this.sanitizeOutput(submission, ctx));
    },
  };
});
