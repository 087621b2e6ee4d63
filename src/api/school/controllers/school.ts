import { factories } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';

export default factories.createCoreController('api::school.school', () => ({
  async find(ctx) {
    const { query } = await readRequest(strapi, this, ctx, 'api::school.school');
    // No client-driven populate: a school list never drags its teachers along.
    const { results, pagination } = await strapi.service('api::school.school').find({ ...query, populate: {} });
    const sanitized = await this.sanitizeOutput(results, ctx);
    return this.transformResponse(sanitized, { pagination });
  },

  async findOne(ctx) {
    const { query } = await readRequest(strapi, this, ctx, 'api::school.school');
    const entity = await strapi.service('api::school.school').findOne(ctx.params.id, { ...query, populate: {} });
    if (!entity) return ctx.notFound('School not found');
    const sanitized = await this.sanitizeOutput(entity, ctx);
    return this.transformResponse(sanitized);
  },
}));
