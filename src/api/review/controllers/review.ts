import { factories, type Core } from '@strapi/strapi';
import { callerProfile } from '../../../platform/actor';
import { rejectIdentityPredicates } from '../../../shared/query-guards';

const REVIEW_UID = 'api::review.review';

export default factories.createCoreController(REVIEW_UID as any, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(REVIEW_UID as any) as any;
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
      const review = await service().assign((ctx.request.body as any)?.data ?? {});
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },

    /** PUT /reviews/:id { data: { scores: { criterionKey: score }, comment } } — the reviewer scores. */
    async update(ctx) {
      const review = await service().score(ctx.state.user.id, ctx.params.id, (ctx.request.body as any)?.data ?? {}, await callerProfile(strapi, ctx));
      if (!review) return ctx.notFound('Review not found');
      return this.transformResponse(await this.sanitizeOutput(review, ctx));
    },
  };
});
