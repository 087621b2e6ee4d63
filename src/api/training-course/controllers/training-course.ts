import { factories, type Core } from '@strapi/strapi';
import { readRequest } from '../../../platform/request';
import type courseService from '../services/training-course';

const COURSE_UID = 'api::training-course.training-course';
type CourseService = ReturnType<typeof courseService>;

export default factories.createCoreController(COURSE_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(COURSE_UID) as CourseService;
  return {
    async find(ctx) {
      const { actor, query } = await readRequest(strapi, this, ctx, COURSE_UID);
      const { results, pagination } = await service().listFor(actor, query);
      return this.transformResponse(await this.sanitizeOutput(results, ctx), { pagination });
    },

    async findOne(ctx) {
      const { actor } = await readRequest(strapi, this, ctx, COURSE_UID);
      const course = await service().getFor(actor, ctx.params.id);
      if (!course) return ctx.notFound('Course not found');
      return this.transformResponse(await this.sanitizeOutput(course, ctx));
    },

    async create(ctx) {
      const { data } = await readRequest(strapi, this, ctx, COURSE_UID, { data: 'schema' });
      const course = await service().createCourse(data);
      ctx.status = 201;
      return this.transformResponse(await this.sanitizeOutput(course, ctx));
    },

    async update(ctx) {
      const { data } = await readRequest(strapi, this, ctx, COURSE_UID, { data: 'schema' });
      const course = await service().updateCourse(ctx.params.id, data);
      if (!course) return ctx.notFound('Course not found');
      return this.transformResponse(await this.sanitizeOutput(course, ctx));
    },

    /** POST /training-courses/:id/enrol — the caller takes a place. */
    async enrol(ctx) {
      const { actor } = await readRequest(strapi, {}, ctx, COURSE_UID, { data: 'declared' });
      const enrolment = await service().enrol(actor, ctx.params.id);
      ctx.status = 201;
      ctx.body = { data: { documentId: enrolment.documentId, status: enrolment.status, enrolledAt: enrolment.enrolledAt, course: { title: enrolment.course.title, code: enrolment.course.code } } };
    },

    /** POST /training-courses/:id/enrolments { data: { teachers: [documentId] } } — a coordinator enrols teachers of their scope. */
    async enrolTeachers(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, COURSE_UID, { data: 'declared' });
      const enrolments = await service().enrolTeachers(actor, ctx.params.id, data.teachers);
      ctx.status = 201;
      ctx.body = { data: enrolments.map((enrolment) => ({ documentId: enrolment.documentId, status: enrolment.status, enrolledAt: enrolment.enrolledAt })) };
    },

    /** POST /training-courses/:id/complete { data: { teachers: [documentId] } } — credits the course hours. */
    async complete(ctx) {
      const { actor, data } = await readRequest(strapi, {}, ctx, COURSE_UID, { data: 'declared' });
      const results = await service().complete(actor, ctx.params.id, data.teachers);
      ctx.body = { data: results };
    },
  };
});
