import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ConflictError, forbidden } from '../../../shared/errors';
import { accountOf, isCoordinator, scopeOf, type Actor } from '../../../platform/actor';
import { teachersOutside } from '../../../platform/scope';
import type { Query } from '../../../platform/request';
import { fieldError } from '../../../shared/errors';
import { audit } from '../../../shared/audit';
import { asDecision } from '../../../shared/decision';
import { isUniqueViolation, lockName, lockRows, tableOf } from '../../../shared/sql';
import { changed as reportChange } from '../../../shared/cluster';

const COURSE_UID = 'api::training-course.training-course';
const ENROLMENT_UID = 'api::enrolment.enrolment';
const CREDIT_UID = 'api::credit-record.credit-record';
type Input = Record<string, unknown>;
type CourseData = Modules.Documents.Params.Data.Input<typeof COURSE_UID>;
type CreditCategory = Modules.Documents.Params.Data.Input<typeof CREDIT_UID>['category'];
/** The signed-in account (users-permissions) making the decision. */
/** The columns of a course row these decisions read. */
interface CourseRow {
  id: number;
  documentId: string;
  code: string;
  title: string;
  courseStatus: string;
  audiencePositions: string[];
  capacity: number;
  mode: string;
  creditHours: number | string;
  endDate: string;
  schoolYear: string;
}
interface EnrolmentRow { id: number; status: string; teacher: { user?: { id: number } | null } }
interface CompletionResult { teacher: string; creditRecord: string; hours: number; status: string }

const CATEGORY_BY_MODE: Record<string, CreditCategory> = { online: 'online', clinical_shadowing: 'clinical_shadowing', in_person: 'topic_training', blended: 'topic_training' };

const visibleTo = (actor: Actor) => (isCoordinator(actor) ? {} : { courseStatus: { $ne: 'planned' } });

export default factories.createCoreService(COURSE_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Teachers see courses once they are announced; planned courses are the coordinators' work in progress. */
  async listFor(actor: Actor, query: Query) {
    const visible = visibleTo(actor);
    const filters = query.filters ? { $and: [query.filters, visible] } : visible;
    return strapi.service(COURSE_UID).find({ ...query, filters, populate: ['modules'] }) as Promise<{ results: unknown[]; pagination: unknown }>;
  },

  async getFor(actor: Actor, documentId: string) {
    const { results } = (await strapi.service(COURSE_UID).find({ filters: { $and: [{ documentId }, visibleTo(actor)] }, populate: ['modules'] })) as { results: unknown[] };
    return results[0] ?? null;
  },

  // The course rules (module hours, dates, school year, capacity) live in the training guard, which every
  // Document Service write passes through: this REST path and the admin panel share them.
  async createCourse(data: Input) {
    const { enrolledCount: _count, ...rest } = data;
    return strapi.documents(COURSE_UID).create({ data: { ...rest, enrolledCount: 0 } as CourseData, populate: ['modules'] });
  },

  async updateCourse(documentId: string, data: Input) {
    const course: { id: number } | null = await strapi.db.query(COURSE_UID).findOne({ where: { documentId }, select: ['id'] });
    if (!course) return null;
    if (data.enrolledCount !== undefined) throw fieldError('enrolledCount', 'enrolledCount is kept by enrolments');
    return strapi.documents(COURSE_UID).update({ documentId, data: data as Partial<CourseData>, populate: ['modules'] });
  },

  /**
   * A teacher takes a place on an open course meant for one of their positions. The seat is taken with a
   * conditional UPDATE (enrolled_count < capacity), atomic on SQLite and PostgreSQL alike, so concurrent
   * enrolments cannot overbook; a unique key stops a teacher enrolling twice.
   */
  async enrol(actor: Actor, documentId: string) {
    const profile = actor;
    const user = accountOf(actor);
    const teacher = profile.teacher!;
    const key = `${documentId}:${teacher.documentId}`;
    return asDecision('enrol', () => strapi.db.transaction(async ({ trx }) => {
      // One teacher's concurrent enrolments on one course queue here; the loser then finds the enrolment.
      await lockName(strapi, trx, `enrolment:${key}`);
      const course: CourseRow | null = await strapi.db.query(COURSE_UID).findOne({ where: { documentId } });
      if (!course) throw new errors.NotFoundError('Course not found');
      if (course.courseStatus !== 'open') throw new ConflictError(`The course is ${course.courseStatus}; enrolment is closed`);
      if (!teacher.positions.some((position) => course.audiencePositions.includes(position))) {
        throw forbidden(`This course is for ${course.audiencePositions.join(', ')}; your positions are ${teacher.positions.join(', ')}`);
      }
      if (await strapi.db.query(ENROLMENT_UID).findOne({ where: { enrolmentKey: key } })) {
        throw new ConflictError('You are already enrolled on this course');
      }
      const table = strapi.db.metadata.get(COURSE_UID).tableName;
      const taken = await trx(table).where('id', course.id).where('enrolled_count', '<', trx.ref('capacity')).increment('enrolled_count', 1);
      if (!taken) throw new ConflictError('The course is full', { capacity: course.capacity });
      // The seat count was written past the lifecycles: caches here and on every instance hear of it after commit.
      await reportChange(strapi, [COURSE_UID]);
      const enrolment = await strapi.documents(ENROLMENT_UID).create({
        data: { course: course.documentId, teacher: teacher.documentId, enrolmentKey: key, status: 'enrolled', enrolledAt: new Date() },
        populate: { course: { fields: ['title', 'code'] } },
      });
      await audit(strapi, { entityType: 'enrolment', entityDocumentId: enrolment.documentId, action: 'enrol', actor: user, after: { course: course.code, teacher: teacher.documentId } });
      return enrolment;
    })).catch((error) => {
      // The unique enrolment key is the last word (and the seat taken above rolls back with it).
      if (isUniqueViolation(error)) throw new ConflictError('You are already enrolled on this course');
      throw error;
    });
  },

  /** A coordinator marks teachers as having completed the course, which credits its hours (approved). */
  async complete(actor: Actor, documentId: string, teacherDocumentIds: unknown) {
    const user = accountOf(actor);
    if (!Array.isArray(teacherDocumentIds) || teacherDocumentIds.length === 0 || teacherDocumentIds.some((id) => typeof id !== 'string')) {
      throw fieldError('teachers', 'teachers must be a non-empty array of teacher documentIds');
    }
    const teachers = [...new Set(teacherDocumentIds as string[])];
    return asDecision('complete', () => strapi.db.transaction(async ({ trx }) => {
      // Lock the enrolments first (id order): a concurrent completion waits, then reads `completed`.
      await lockRows(strapi, trx, ENROLMENT_UID, 'enrolment_key', teachers.map((teacher) => `${documentId}:${teacher}`));
      const course: CourseRow | null = await strapi.db.query(COURSE_UID).findOne({ where: { documentId } });
      if (!course) throw new errors.NotFoundError('Course not found');
      // Teachers outside the coordinator's scope are as unknown as teachers who are not enrolled.
      const outside = await teachersOutside(strapi, scopeOf(actor), teachers);
      if (outside.length) throw fieldError('teachers', `teacher ${outside[0]} is not enrolled on ${course.code}`);
      const results: CompletionResult[] = [];
      for (const teacherDocumentId of teachers) {
        const enrolment: EnrolmentRow | null = await strapi.db.query(ENROLMENT_UID).findOne({
          where: { enrolmentKey: `${course.documentId}:${teacherDocumentId}` },
          populate: { teacher: { populate: { user: { select: ['id'] } } } },
        });
        if (!enrolment) throw fieldError('teachers', `teacher ${teacherDocumentId} is not enrolled on ${course.code}`);
        if (enrolment.status === 'completed') throw new ConflictError(`teacher ${teacherDocumentId} has already completed ${course.code}`);
        // Separation of duties: a coordinator's own completion is credited pending, for another coordinator.
        const own = enrolment.teacher.user?.id === user.id;
        // Conditional update as well as the lock: only an enrolment still `enrolled` becomes completed.
        const changed = await trx(tableOf(strapi, ENROLMENT_UID)).where({ id: enrolment.id, status: 'enrolled' }).update({ status: 'completed', completed_at: new Date() });
        if (!changed) throw new ConflictError(`teacher ${teacherDocumentId} has already completed ${course.code}`);
        await reportChange(strapi, [ENROLMENT_UID]);
        const record = await strapi.documents(CREDIT_UID).create({
          data: {
            teacher: teacherDocumentId,
            course: course.documentId,
            category: CATEGORY_BY_MODE[course.mode],
            hours: Number(course.creditHours),
            date: course.endDate,
            schoolYear: course.schoolYear,
            source: 'course_completion',
            status: own ? 'pending' : 'approved',
            submittedBy: user.documentId,
            ...(own ? {} : { decidedBy: user.documentId, decidedAt: new Date() }),
            // One completion credit per course and teacher, enforced by the unique index on externalRef.
            externalRef: `course:${course.documentId}:${teacherDocumentId}`,
          },
        });
        await audit(strapi, { entityType: 'credit-record', entityDocumentId: record.documentId, action: 'credit_course_completion', actor: user, after: { course: course.code, hours: Number(course.creditHours), status: record.status } });
        results.push({ teacher: teacherDocumentId, creditRecord: record.documentId, hours: Number(course.creditHours), status: record.status });
      }
      return results;
    })).catch((error) => {
      if (isUniqueViolation(error)) throw new ConflictError('The course hours are already credited to this teacher');
      throw error;
    });
  },
}));
