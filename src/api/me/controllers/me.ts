import type { Core } from '@strapi/strapi';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx) {
    const user = ctx.state.user;
    if (!user) return ctx.unauthorized();
    const profile = await strapi.service('api::me.me').profile(user);
    ctx.body = { data: profile };
  },
});
