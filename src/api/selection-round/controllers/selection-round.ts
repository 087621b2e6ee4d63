import { factories, type Core } from '@strapi/strapi';
import { callerProfile, isResearcher } from '../../../platform/actor';
import { validateData } from '../../../shared/query-guards';
import type roundService from '../services/selection-round';
import type { RoundInput } from '../services/selection-round';

const ROUND_UID = 'api::selection-round.selection-round';

type Ctx = Parameters<Core.ControllerHandler>[0];
/** What the lifecycle routes read of a request body (01-lifecycle.ts accepts only these keys). */
type LifecycleBody = { allowIncomplete?: unknown; data?: { status?: unknown; allowIncomplete?: unknown } };

export default factories.createCoreController(ROUND_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(ROUND_UID) as ReturnType<typeof roundService>;
  const populate = { library: { fields: ['key', 'nameZh', 'nameEn', 'resourceType', 'target'] }, rubric: true };
  // Teachers see rounds once they are open; drafts are the researchers' work in progress.
  // Finalising with submissions short of their reviews is an explicit choice: { allowIncomplete: true }.
  const allowIncomplete = (ctx: Ctx) => {
    const body: LifecycleBody = ctx.request.body ?? {};
    return body.allowIncomplete === true || body.data?.allowIncomplete === true;
  };
  const visible = async (ctx: Ctx) => (isResearcher(await callerProfile(strapi, ctx)) ? {} : { status: { $ne: 'draft' } });

  return {
    async find(ctx) {
      await this.validateQuery(ctx);
      const query = await this.sanitizeQuery(ctx);
      const scope = await visible(ctx);
      const filters = query.filters ? { $and: [query.filters, scope] } : scope;
      const { results, pagination } = await service().find({ ...query, filters, populate });
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const round = await service().get(ctx.params.id);
      if (!round || (round.status === 'draft' && !isResearcher(await callerProfile(strapi, ctx)))) return ctx.notFound('Selection round not found');
      return this.transformResponse(await this.sanitizeOutput(round, ctx));
    },

    async create(ctx) {
      const data = await this.sanitizeInput(await validateData(this, ctx), ctx);
      // validateData checked it against the round's schema.
      const round = await service().createRound(data as RoundInput);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(round, ctx));
    },

    async update(ctx) {
      const data = await this.sanitizeInput(await validateData(this, ctx), ctx);
      const round = await service().updateRound(ctx.params.id, data as RoundInput);
      if (!round) return ctx.notFound('Selection round not found');
      return this.transformResponse(await this.sanitizeOutput(round, ctx));
    },

    /** POST /selection-rounds/:id/transition { data: { status } } — one step forward, else 409. */
    async transition(ctx) {
      const body: LifecycleBody | undefined = ctx.request.body;
      const result = await service().transition(ctx.params.id, body?.data?.status, { allowIncomplete: allowIncomplete(ctx) });
      if (!result) return ctx.notFound('Selection round not found');
      const round = 'round' in result ? result.round : result;
      return this.transformResponse(await this.sanitizeOutput(round, ctx), 'entries' in result ? { entries: result.entries } : {});
    },

    /** POST /selection-rounds/:id/finalise { allowIncomplete? } — ranks and selects, once; repeating it is a 409. */
    async finalise(ctx) {
      const result = await service().finalise(ctx.params.id, { allowIncomplete: allowIncomplete(ctx) });
      if (!result) return ctx.notFound('Selection round not found');
      return this.transformResponse(await this.sanitizeOutput(result.round, ctx), { entries: result.entries });
    },
  };
});
