import type { Core } from '@strapi/strapi';
import { callerProfile } from '../../../platform/actor';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx) {
    const profile = await callerProfile(strapi, ctx);
    ctx.body = await strapi.service('api::search.search').searchFor(profile, ctx.query);
  },
});
