import type { Core } from '@strapi/strapi';
import { callerProfile, canReadCounselingCases } from '../../../platform/actor';
import { forbidden } from '../../../shared/errors';
import { rejectIdentityPredicates, rejectJsonFilters } from '../../../shared/query-guards';
import { CONTENT_UIDS, type ContentType } from '../../../content/curriculum';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx) {
    ctx.body = { data: await strapi.service('api::library.library').list() };
  },

  async progress(ctx) {
    ctx.body = { data: await strapi.service('api::library.library').progress() };
  },

  /** Same query parameters as the content list endpoint of the library's resource type. */
  async entries(ctx) {
    const library = await strapi.db.query('api::library.library' as any).findOne({ where: { key: ctx.params.key } });
    if (!library) return ctx.notFound(`No library "${ctx.params.key}"`);
    const uid = CONTENT_UIDS[library.resourceType as ContentType];
    // Before the query is looked at: whatever a non-reader asks of the cases library, the answer is 403.
    const profile = await callerProfile(strapi, ctx);
    if (library.resourceType === 'counseling-case' && !canReadCounselingCases(profile)) {
      throw forbidden('Counselling cases are for researchers and mental-health teachers');
    }
    const contentApi = strapi.contentAPI;
    const schema = strapi.getModel(uid as any);
    await contentApi.validate.query(ctx.query, schema, { auth: ctx.state.auth });
    const query = await contentApi.sanitize.query(ctx.query, schema, { auth: ctx.state.auth });
    rejectJsonFilters(strapi, uid, query.filters);
    rejectIdentityPredicates(strapi, uid, query);
    const result = await strapi.service('api::library.library').entries(profile, library, query);
    const data = await contentApi.sanitize.output(result.data, schema);
    ctx.body = { data, meta: { library: result.library, pagination: result.pagination } };
  },
});
