import { factories, type Core } from '@strapi/strapi';
import { callerProfile } from '../../../platform/actor';
import { rejectIdentityPredicates } from '../../../shared/query-guards';
import type reviewService from '../services/review';
import type { AssignInput, ScoreInput } from '../services/review';

const REVIEW_UID = 'api::review.review';

export default factories.createCoreController(REVIEW_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(REVIEW_UID) as ReturnType<typeof reviewService>;
  return {
    /** The caller's own review assignments, whatever their role. */
    async find(ctx) {
      await this.validateQuery(ctx);
      const query = await this.sanitizeQuery(ctx);
      rejectIdentityPredicates(strapi, REVIEW_UID, query);
      const { results, pagination } = await service().listMine(ctx.state.user.id, query, await callerProfile(strapi, ctx));
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const review = await service().getMine(ctx.state.user.id, ctx.params.id, await callerProfile(strapi, ctx));
      if (!review) return ctx.notFound('Review not found');
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },

    /** POST /reviews { data: { submission, reviewer } } — a researcher assigns a reviewer by username. */
    async create(ctx) {
      const body: { data?: AssignInput } | undefined = ctx.request.body;
      const review = await service().assign(body?.data ?? {});
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },

    /** PUT /reviews/:id { data: { scores: { criterionKey: score }, comment } } — the reviewer scores. */
    async update(ctx) {
      const body: { data?: ScoreInput } | undefined = ctx.request.body;
      const review = await service().score(ctx.state.user.id, ctx.params.id, body?.data ?? {}, await callerProfile(strapi, ctx));
      if (!review) return ctx.notFound('Review not found');
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },
  };
});
