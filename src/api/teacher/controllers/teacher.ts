import { factories } from '@strapi/strapi';
import { rejectJsonFilters } from '../../../query-guards';

// Fixed server-side populate: the school's public fields only, whatever the client asks for.
const TEACHER_POPULATE = { school: { fields: ['name', 'code', 'city', 'district'] } };

export default factories.createCoreController('api::teacher.teacher', () => ({
  async find(ctx) {
    await this.validateQuery(ctx);
    const query = await this.sanitizeQuery(ctx);
    rejectJsonFilters(strapi, 'api::teacher.teacher', query.filters);
    const { results, pagination } = await strapi
      .service('api::teacher.teacher')
      .find({ ...query, populate: TEACHER_POPULATE });
    const sanitized = await this.sanitizeOutput(results, ctx);
    return this.transformResponse(sanitized, { pagination });
  },

  async findOne(ctx) {
    await this.validateQuery(ctx);
    const query = await this.sanitizeQuery(ctx);
    rejectJsonFilters(strapi, 'api::teacher.teacher', query.filters);
    const entity = await strapi
      .service('api::teacher.teacher')
      .findOne(ctx.params.id, { ...query, populate: TEACHER_POPULATE });
    if (!entity) return ctx.notFound('Teacher not found');
    const sanitized = await this.sanitizeOutput(entity, ctx);
    return this.transformResponse(sanitized);
  },
}));
