import { factories, type Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { callerProfile } from '../../../platform/actor';
import { rejectJsonFilters, validateData } from '../../../shared/query-guards';
import type courseService from '../services/training-course';

const COURSE_UID = 'api::training-course.training-course';
type CourseService = ReturnType<typeof courseService>;

export default factories.createCoreController(COURSE_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(COURSE_UID) as CourseService;
  // Teachers see courses once they are announced; planned courses are the coordinators' work in progress.
  const scope = async (ctx: Context) => ((await callerProfile(strapi, ctx)).role === 'coordinator' ? {} : { courseStatus: { $ne: 'planned' } });
  return {
    async find(ctx) {
      await this.validateQuery(ctx);
      const query = await this.sanitizeQuery(ctx);
      rejectJsonFilters(strapi, COURSE_UID, query.filters);
      const visible = await scope(ctx);
      const { results, pagination } = await service().find({ ...query, filters: query.filters ? { $and: [query.filters, visible] } : visible, populate: ['modules'] });
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const { results } = await service().find({ filters: { $and: [{ documentId: ctx.params.id }, await scope(ctx)] }, populate: ['modules'] });
      if (!results[0]) return ctx.notFound('Course not found');
      return this.transformResponse(await this.sanitizeOutput(results[0], ctx));
    },

    async create(ctx) {
      const data = (await this.sanitizeInput(await validateData(this, ctx), ctx)) as Record<string, unknown>;
      const course = await service().createCourse(data);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(course, ctx));
    },

    async update(ctx) {
      const data = (await this.sanitizeInput(await validateData(this, ctx), ctx)) as Record<string, unknown>;
      const course = await service().updateCourse(ctx.params.id, data);
      if (!course) return ctx.notFound('Course not found');
      return this.transformResponse(await this.sanitizeOutput(course, ctx));
    },

    /** POST /training-courses/:id/enrol — the caller takes a place. */
    async enrol(ctx) {
      const enrolment = await service().enrol(await callerProfile(strapi, ctx), ctx.state.user, ctx.params.id);
      ctx.status = 201;
      ctx.body = { data: { documentId: enrolment.documentId, status: enrolment.status, enrolledAt: enrolment.enrolledAt, course: { title: enrolment.course.title, code: enrolment.course.code } } };
    },

    /** POST /training-courses/:id/complete { data: { teachers: [documentId] } } — credits the course hours. */
    async complete(ctx) {
      const results = await service().complete(ctx.state.user, ctx.params.id, (ctx.request.body as { data?: { teachers?: unknown } } | undefined)?.data?.teachers);
      ctx.body = { data: results };
    },
  };
});
