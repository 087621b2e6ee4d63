import { factories, type Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ContentUid } from '../curriculum';
import { callerProfile } from '../../platform/actor';
import { rejectIdentityPredicates, rejectJsonFilters, type RequestContext } from '../../shared/query-guards';
import type { CurriculumService } from './service';

/** The core controller's validation and sanitization, as `this` has them in a core controller (typed optional there). */
type CoreControllerTools = Partial<Pick<Core.CoreAPI.Controller.Base, 'validateQuery' | 'sanitizeQuery' | 'validateInput' | 'sanitizeInput'>>;

/** Validated and sanitized `data` of a write request; a missing or non-object `data` is a 400. */
async function writeInput(controller: CoreControllerTools, ctx: RequestContext) {
  await controller.validateQuery(ctx);
  const query = await controller.sanitizeQuery(ctx);
  const body = ctx.request.body as { data?: unknown };
  if (!body || typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) {
    throw new errors.ValidationError('Missing "data" object in request body');
  }
  await controller.validateInput(body.data, ctx);
  // `data` was checked to be an object above; sanitizing drops fields, it stays one.
  return { query, data: (await controller.sanitizeInput(body.data, ctx)) as Record<string, unknown> };
}

/**
 * Thin controllers for the curriculum types: validate → sanitize → call the service → sanitize output.
 * Output is sanitized against the schema without per-role relation checks, because the populate is fixed
 * server-side to public fields (a teacher may see an author's name without reading the teacher API).
 */
export function createCurriculumController(uid: ContentUid) {
  return factories.createCoreController(uid, ({ strapi }: { strapi: Core.Strapi }) => {
    const service = () => strapi.service(uid) as CurriculumService;
    const output = (data: unknown) => strapi.contentAPI.sanitize.output(data, strapi.getModel(uid));

    return {
      async find(ctx) {
        await this.validateQuery(ctx);
        const query = await this.sanitizeQuery(ctx);
        rejectJsonFilters(strapi, uid, query.filters);
        rejectIdentityPredicates(strapi, uid, query);
        // The service sanitizes with `output` before it caches a page, so what it returns is already public.
        const { results, pagination } = await service().list(await callerProfile(strapi, ctx), query, output);
        return this.transformResponse(results, { pagination });
      },

      async findOne(ctx) {
        await this.validateQuery(ctx);
        const query = await this.sanitizeQuery(ctx);
        rejectJsonFilters(strapi, uid, query.filters);
        rejectIdentityPredicates(strapi, uid, query);
        const entity = await service().get(await callerProfile(strapi, ctx), ctx.params.id, query);
        if (!entity) return ctx.notFound('Document not found');
        return this.transformResponse(await output(entity));
      },

      async create(ctx) {
        const { query, data } = await writeInput(this, ctx);
        const entity = await service().createFor(await callerProfile(strapi, ctx), data, query);
        ctx.status = 201;
        return this.transformResponse(await output(entity));
      },

      async update(ctx) {
        const { query, data } = await writeInput(this, ctx);
        const entity = await service().updateFor(await callerProfile(strapi, ctx), ctx.params.id, data, query);
        if (!entity) return ctx.notFound('Document not found');
        return this.transformResponse(await output(entity));
      },

      async publish(ctx) {
        const entity = await service().publishDocument(ctx.params.id);
        if (!entity) return ctx.notFound('Document not found');
        return this.transformResponse(await output(entity));
      },

      /** A document that does not exist is a 404, not a silent 204. */
      async delete(ctx) {
        await this.validateQuery(ctx);
        const removed = await service().deleteDocument(ctx.params.id);
        if (!removed) return ctx.notFound('Document not found');
        ctx.status = 204;
      },

      async unpublish(ctx) {
        const entity = await service().unpublishDocument(ctx.params.id);
        return this.transformResponse(await output(entity));
      },
    };
  });
}
