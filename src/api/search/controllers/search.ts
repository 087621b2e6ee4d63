import type { Core } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx) {
    const { actor: profile } = await readRequest(strapi, {}, ctx);
    ctx.body = await strapi.service('api::search.search').searchFor(profile, ctx.query);
  },
});
