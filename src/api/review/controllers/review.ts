import { factories, type Core } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';
import type reviewService from '../services/review';
import type { AssignInput, ScoreInput } from '../services/review';

const REVIEW_UID = 'api::review.review';

export default factories.createCoreController(REVIEW_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(REVIEW_UID) as ReturnType<typeof reviewService>;
  return {
    /** The caller's own review assignments, whatever their role. */
    async find(ctx) {
      const { actor, query } = await readRequest(strapi, this, ctx, REVIEW_UID, { hideIdentity: true });
      const { results, pagination } = await service().listMine(actor, query);
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, REVIEW_UID);
      const review = await service().getMine(actor, ctx.params.id);
      if (!review) return ctx.notFound('Review not found');
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },

    /** POST /reviews { data: { submission, reviewer } } — a researcher assigns a reviewer by username. */
    async create(ctx) {
      const { data } = await readRequest(strapi, {}, ctx, REVIEW_UID, { data: 'declared' });
      const review = await service().assign(data as AssignInput);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },

    /** PUT /reviews/:id { data: { scores: { criterionKey: score }, comment } } — the reviewer scores. */
    async update(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, REVIEW_UID, { data: 'declared' });
      const review = await service().score(actor, ctx.params.id, data as ScoreInput);
      if (!review) return ctx.notFound('Review not found');
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },
  };
});
