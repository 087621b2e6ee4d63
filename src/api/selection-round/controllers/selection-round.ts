import { factories, type Core } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';
import type roundService from '../services/selection-round';
import type { RoundInput } from '../services/selection-round';

const ROUND_UID = 'api::selection-round.selection-round';

type Ctx = Parameters<Core.ControllerHandler>[0];
/** What the lifecycle routes read of a request body (01-lifecycle.ts accepts only these keys). */
type LifecycleBody = { allowIncomplete?: unknown; data?: { status?: unknown; allowIncomplete?: unknown } };

export default factories.createCoreController(ROUND_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(ROUND_UID) as ReturnType<typeof roundService>;
  // Finalising with submissions short of their reviews is an explicit choice: { allowIncomplete: true }.
  const allowIncomplete = (ctx: Ctx) => {
    const body: LifecycleBody = ctx.request.body ?? {};
    return body.allowIncomplete === true || body.data?.allowIncomplete === true;
  };

  return {
    async find(ctx) {
      const { actor, query } = await readRequest(strapi, this, ctx, ROUND_UID);
      const { results, pagination } = await service().listFor(actor, query);
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const { actor } = await readRequest(strapi, this, ctx, ROUND_UID);
      const round = await service().getFor(actor, ctx.params.id);
      if (!round) return ctx.notFound('Selection round not found');
      return this.transformResponse(await this.sanitizeOutput(round, ctx));
    },

    async create(ctx) {
      const { data } = await readRequest(strapi, this, ctx, ROUND_UID, { data: 'schema' });
      // Validated against the round's schema by the pipeline.
      const round = await service().createRound(data as RoundInput);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(round, ctx));
    },

    async update(ctx) {
      const { data } = await readRequest(strapi, this, ctx, ROUND_UID, { data: 'schema' });
      const round = await service().updateRound(ctx.params.id, data as RoundInput);
      if (!round) return ctx.notFound('Selection round not found');
      return this.transformResponse(await this.sanitizeOutput(round, ctx));
    },

    /** POST /selection-rounds/:id/transition { data: { status } } — one step forward, else 409. */
    async transition(ctx) {
      const { data } = await readRequest(strapi, {}, ctx, ROUND_UID, { data: 'declared' });
      const result = await service().transition(ctx.params.id, data.status, { allowIncomplete: allowIncomplete(ctx) });
      if (!result) return ctx.notFound('Selection round not found');
      const round = 'round' in result ? result.round : result;
      return this.transformResponse(await this.sanitizeOutput(round, ctx), 'entries' in result ? { entries: result.entries } : {});
    },

    /** POST /selection-rounds/:id/finalise { allowIncomplete? } — ranks and selects, once; repeating it is a 409. */
    async finalise(ctx) {
      await readRequest(strapi, {}, ctx, ROUND_UID, { data: 'declared' });
      const result = await service().finalise(ctx.params.id, { allowIncomplete: allowIncomplete(ctx) });
      if (!result) return ctx.notFound('Selection round not found');
      return this.transformResponse(await this.sanitizeOutput(result.round, ctx), { entries: result.entries });
    },
  };
});
