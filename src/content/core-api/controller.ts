import { factories, type Core } from '@strapi/strapi';
import type { ContentUid } from '../curriculum';
import { readRequest } from '../../platform/request';
import type { CurriculumService } from './service';

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
        const { actor, query } = await readRequest(strapi, this, ctx, uid, { hideIdentity: true });
        // The service sanitizes with `output` before it caches a page, so what it returns is already public.
        const { results, pagination } = await service().list(actor, query, output);
        return this.transformResponse(results, { pagination });
      },

      async findOne(ctx) {
        const { actor, query } = await readRequest(strapi, this, ctx, uid, { hideIdentity: true });
        const entity = await service().get(actor, ctx.params.id, query);
        if (!entity) return ctx.notFound('Document not found');
        return this.transformResponse(await output(entity));
      },

      async create(ctx) {
        const { actor, query, data } = await readRequest(strapi, this, ctx, uid, { data: 'schema', requireData: true });
        const entity = await service().createFor(actor, data, query);
        ctx.status = 201;
        return this.transformResponse(await output(entity));
      },

      async update(ctx) {
        const { actor, query, data } = await readRequest(strapi, this, ctx, uid, { data: 'schema', requireData: true });
        const entity = await service().updateFor(actor, ctx.params.id, data, query);
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
        await readRequest(strapi, this, ctx, uid);
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
