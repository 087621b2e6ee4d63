import { factories, type Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ConflictError, forbidden } from '../../../domain-errors';
import type { CallerProfile } from '../../../content-access';
import { fieldError } from '../../../enum-set';
import { normalizePositions } from '../../../teacher-positions';
import { assertHours, assertSchoolYear, audit, sameHours, schoolYearOf } from '../../../training';

const COURSE_UID = 'api::training-course.training-course';
const ENROLMENT_UID = 'api::enrolment.enrolment';
const CREDIT_UID = 'api::credit-record.credit-record';
type Data = Record<string, any>;

const CATEGORY_BY_MODE: Record<string, string> = { online: 'online', clinical_shadowing: 'clinical_shadowing', in_person: 'topic_training', blended: 'topic_training' };

/** Module hours add up to the course hours; dates are ordered and fall in the course's school year. */
function checkCourse(course: Data) {
  course.audiencePositions = normalizePositions(course.audiencePositions);
  const hours = assertHours(course.creditHours, 'creditHours');
  const modules: Data[] = course.modules ?? [];
  modules.forEach((module, i) => assertHours(module.hours, `modules.${i}.hours`));
  const total = modules.reduce((sum, module) => sum + Number(module.hours), 0);
  if (!sameHours(total, hours)) throw fieldError('modules', `modules add up to ${total} hours but creditHours is ${hours}; they must be equal`);
  assertSchoolYear(course.schoolYear);
  if (String(course.endDate) < String(course.startDate)) throw fieldError('endDate', 'endDate is before startDate');
  if (schoolYearOf(course.startDate) !== course.schoolYear) {
    throw fieldError('schoolYear', `startDate ${course.startDate} is in school year ${schoolYearOf(course.startDate)}, not ${course.schoolYear}`);
  }
}

export default factories.createCoreService(COURSE_UID as any, ({ strapi }: { strapi: Core.Strapi }) => ({
  async createCourse(data: Data) {
    const { enrolledCount: _count, ...rest } = data;
    checkCourse(rest);
    return strapi.documents(COURSE_UID as any).create({ data: { ...rest, enrolledCount: 0 }, populate: ['modules'] as any });
  },

  async updateCourse(documentId: string, data: Data) {
    const course = (await strapi.documents(COURSE_UID as any).findOne({ documentId, populate: ['modules'] as any })) as Data | null;
    if (!course) return null;
    if (data.enrolledCount !== undefined) throw fieldError('enrolledCount', 'enrolledCount is kept by enrolments');
    const merged = { ...course, ...data };
    checkCourse(merged);
    if (Number(merged.capacity) < course.enrolledCount) {
      throw fieldError('capacity', `capacity ${merged.capacity} is below the ${course.enrolledCount} teachers already enrolled`);
    }
    return strapi.documents(COURSE_UID as any).update({ documentId, data: { ...data, audiencePositions: merged.audiencePositions }, populate: ['modules'] as any });
  },

  /**
   * A teacher takes a place on an open course meant for one of their positions. The seat is taken with a
   * conditional UPDATE (enrolled_count < capacity), atomic on SQLite and PostgreSQL alike, so concurrent
   * enrolments cannot overbook; a unique key stops a teacher enrolling twice.
   */
  async enrol(profile: CallerProfile, user: Data, documentId: string) {
    const teacher = profile.teacher!;
    return strapi.db.transaction(async ({ trx }) => {
      const course = await strapi.db.query(COURSE_UID as any).findOne({ where: { documentId } });
      if (!course) throw new errors.NotFoundError('Course not found');
      if (course.status !== 'open') throw new ConflictError(`The course is ${course.status}; enrolment is closed`);
      if (!teacher.positions.some((position) => course.audiencePositions.includes(position))) {
        throw forbidden(`This course is for ${course.audiencePositions.join(', ')}; your positions are ${teacher.positions.join(', ')}`);
      }
      const key = `${course.documentId}:${teacher.documentId}`;
      if (await strapi.db.query(ENROLMENT_UID as any).findOne({ where: { enrolmentKey: key } })) {
        throw new ConflictError('You are already enrolled on this course');
      }
      const table = strapi.db.metadata.get(COURSE_UID as any).tableName;
      const taken = await trx(table).where('id', course.id).where('enrolled_count', '<', trx.ref('capacity')).increment('enrolled_count', 1);
      if (!taken) throw new ConflictError('The course is full', { capacity: course.capacity });
      const enrolment = await strapi.documents(ENROLMENT_UID as any).create({
        data: { course: course.documentId, teacher: teacher.documentId, enrolmentKey: key, status: 'enrolled', enrolledAt: new Date() },
        populate: { course: { fields: ['title', 'code'] } } as any,
      });
      await audit(strapi, { entityType: 'enrolment', entityDocumentId: enrolment.documentId, action: 'enrol', actor: user, after: { course: course.code, teacher: teacher.documentId } });
      return enrolment;
    });
  },

  /** A coordinator marks teachers as having completed the course, which credits its hours (approved). */
  async complete(user: Data, documentId: string, teacherDocumentIds: unknown) {
    if (!Array.isArray(teacherDocumentIds) || teacherDocumentIds.length === 0 || teacherDocumentIds.some((id) => typeof id !== 'string')) {
      throw fieldError('teachers', 'teachers must be a non-empty array of teacher documentIds');
    }
    return strapi.db.transaction(async () => {
      const course = await strapi.db.query(COURSE_UID as any).findOne({ where: { documentId } });
      if (!course) throw new errors.NotFoundError('Course not found');
      const results: Data[] = [];
      for (const teacherDocumentId of teacherDocumentIds as string[]) {
        const enrolment = await strapi.db.query(ENROLMENT_UID as any).findOne({
          where: { enrolmentKey: `${course.documentId}:${teacherDocumentId}` },
          populate: { teacher: { populate: { user: { select: ['id'] } } } },
        });
        if (!enrolment) throw fieldError('teachers', `teacher ${teacherDocumentId} is not enrolled on ${course.code}`);
        if (enrolment.status === 'completed') throw new ConflictError(`teacher ${teacherDocumentId} has already completed ${course.code}`);
        if (enrolment.teacher.user?.id === user.id) throw forbidden('Nobody approves their own hours');
        await strapi.db.query(ENROLMENT_UID as any).update({ where: { id: enrolment.id }, data: { status: 'completed', completedAt: new Date() } });
        const record = await strapi.documents(CREDIT_UID as any).create({
          data: {
            teacher: teacherDocumentId,
            course: course.documentId,
            category: CATEGORY_BY_MODE[course.mode],
            hours: Number(course.creditHours),
            date: course.endDate,
            schoolYear: course.schoolYear,
            source: 'course_completion',
            status: 'approved',
            submittedBy: user.documentId,
            decidedBy: user.documentId,
            decidedAt: new Date(),
          },
        });
        await audit(strapi, { entityType: 'credit-record', entityDocumentId: record.documentId, action: 'credit_course_completion', actor: user, after: { course: course.code, hours: Number(course.creditHours), status: 'approved' } });
        results.push({ teacher: teacherDocumentId, creditRecord: record.documentId, hours: Number(course.creditHours) });
      }
      return results;
    });
  },
}));
