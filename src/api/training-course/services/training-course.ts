import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ConflictError, forbidden } from '../../../shared/errors';
import { accountOf, isCoordinator, scopeOf, type Actor } from '../../../platform/actor';
import { teacherFilter, teachersOutside } from '../../../platform/scope';
import type { TeacherPosition } from '../../../platform/teacher-positions';
import type { Query } from '../../../platform/request';
import { fieldError } from '../../../shared/errors';
import { audit } from '../../../shared/audit';
import { asDecision } from '../../../shared/decision';
import { isUniqueViolation, lockName, lockRows, tableOf } from '../../../shared/sql';
import { changed as reportChange } from '../../../shared/cluster';

const COURSE_UID = 'api::training-course.training-course';
const ENROLMENT_UID = 'api::enrolment.enrolment';
const CREDIT_UID = 'api::credit-record.credit-record';
const TEACHER_UID = 'api::teacher.teacher';
/** Teachers enrolled or completed in one request. */
const MAX_BULK = 500;
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

/** A teacher to place on a course; `label` names them in refusals of a bulk enrolment (null: the caller themself). */
interface Placement { documentId: string; positions: TeacherPosition[]; label: { index: number; name: string } | null }

export default factories.createCoreService(COURSE_UID, ({ strapi }: { strapi: Core.Strapi }) => {
  /**
   * The rules of an enrolment, one place per teacher, in one transaction (all or nothing): the course is open
   * and meant for one of the teacher's positions, the teacher holds no place yet, and a seat is free.
   */
  const placeTeachers = (actor: Actor, documentId: string, teachers: Placement[]) => {
    const user = accountOf(actor);
    const keys = teachers.map((teacher) => `${documentId}:${teacher.documentId}`);
    // Refusals name the teacher at fault in a bulk enrolment, and speak to the teacher enrolling themself.
    const whose = (teacher: Placement) => (teacher.label ? `${teacher.label.name}'s` : 'your');
    const refuse = (teacher: Placement, error: Error) => {
      if (!teacher.label) return error;
      if (error instanceof ConflictError) return new ConflictError(error.message, { ...error.details, path: ['teachers', String(teacher.label.index)] });
      return fieldError(['teachers', String(teacher.label.index)], error.message);
    };
    return asDecision('enrol', () => strapi.db.transaction(async ({ trx }) => {
      // One teacher's concurrent enrolments on one course queue here (in key order: no deadlock between
      // bulk enrolments); the loser then finds the enrolment.
      for (const key of [...keys].sort()) await lockName(strapi, trx, `enrolment:${key}`);
      const course: CourseRow | null = await strapi.db.query(COURSE_UID).findOne({ where: { documentId } });
      if (!course) throw new errors.NotFoundError('Course not found');
      if (course.courseStatus !== 'open') throw new ConflictError(`The course is ${course.courseStatus}; enrolment is closed`);
      const enrolments = [];
      for (const [i, teacher] of teachers.entries()) {
        if (!teacher.positions.some((position) => course.audiencePositions.includes(position))) {
          const message = `This course is for ${course.audiencePositions.join(', ')}; ${whose(teacher)} positions are ${teacher.positions.join(', ') || 'none'}`;
          throw teacher.label ? refuse(teacher, new Error(message)) : forbidden(message);
        }
        if (await strapi.db.query(ENROLMENT_UID).findOne({ where: { enrolmentKey: keys[i] } })) {
          throw refuse(teacher, new ConflictError(teacher.label ? `${teacher.label.name} is already enrolled on ${course.code}` : 'You are already enrolled on this course'));
        }
        const taken = await trx(tableOf(strapi, COURSE_UID)).where('id', course.id).where('enrolled_count', '<', trx.ref('capacity')).increment('enrolled_count', 1);
        if (!taken) throw refuse(teacher, new ConflictError(teacher.label ? `The course is full: no seat left for ${teacher.label.name}` : 'The course is full', { capacity: course.capacity }));
        const enrolment = await strapi.documents(ENROLMENT_UID).create({
          data: { course: course.documentId, teacher: teacher.documentId, enrolmentKey: keys[i], status: 'enrolled', enrolledAt: new Date() },
          populate: { course: { fields: ['title', 'code'] } },
        });
        await audit(strapi, { entityType: 'enrolment', entityDocumentId: enrolment.documentId, action: 'enrol', actor: user, after: { course: course.code, teacher: teacher.documentId } });
        enrolments.push(enrolment);
      }
      // The seat count was written past the lifecycles: caches here and on every instance hear of it after commit.
      await reportChange(strapi, [COURSE_UID]);
      return enrolments;
    })).catch((error) => {
      // The unique enrolment key is the last word (and the seats taken above roll back with it).
      if (isUniqueViolation(error)) throw new ConflictError(teachers.length === 1 && !teachers[0].label ? 'You are already enrolled on this course' : 'A teacher in the list is already enrolled on this course');
      throw error;
    });
  };

  return {
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
      const teacher = actor.teacher!;
      const [enrolment] = await placeTeachers(actor, documentId, [{ ...teacher, label: null }]);
      return enrolment;
    },

    /**
     * A coordinator enrols teachers of their scope, all or nothing, under the same rules as self-enrolment
     * (open course, audience positions, one place each, seats under capacity). A teacher outside the scope is
     * as unknown as one that does not exist; the refusal names the teacher and their index in the list.
     */
    async enrolTeachers(actor: Actor, documentId: string, teacherDocumentIds: unknown) {
      if (!Array.isArray(teacherDocumentIds) || teacherDocumentIds.length === 0 || teacherDocumentIds.some((id) => typeof id !== 'string' || !id)) {
        throw fieldError('teachers', 'teachers must be a non-empty array of teacher documentIds');
      }
      if (teacherDocumentIds.length > MAX_BULK) throw fieldError('teachers', `at most ${MAX_BULK} teachers at once`);
      const ids = teacherDocumentIds as string[];
      const repeated = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (repeated >= 0) throw fieldError(['teachers', String(repeated)], `teacher ${ids[repeated]} is listed twice`);
      const outside = new Set(await teachersOutside(strapi, scopeOf(actor), ids));
      const unknown = ids.findIndex((id) => outside.has(id));
      if (unknown >= 0) throw fieldError(['teachers', String(unknown)], `teacher ${ids[unknown]} not found`);
      const rows: { documentId: string; name: string; staffNumber: string; positions: TeacherPosition[] | null }[] = await strapi.db
        .query(TEACHER_UID)
        .findMany({ where: { documentId: { $in: ids } }, select: ['documentId', 'name', 'staffNumber', 'positions'] });
      const byId = new Map(rows.map((row) => [row.documentId, row]));
      const teachers = ids.map((id, index) => {
        const row = byId.get(id)!;
        return { documentId: id, positions: row.positions ?? [], label: { index, name: `${row.name} (${row.staffNumber})` } };
      });
      return placeTeachers(actor, documentId, teachers);
    },

    /** The enrolments on a course of the teachers in the actor's scope (null when the course does not exist). */
    async rosterFor(actor: Actor, documentId: string, options: { page: number; pageSize: number }) {
      const course: { id: number } | null = await strapi.db.query(COURSE_UID).findOne({ where: { documentId }, select: ['id'] });
      if (!course) return null;
      const inScope = teacherFilter(scopeOf(actor));
      const filters = { course: { documentId: { $eq: documentId } }, ...(Object.keys(inScope).length ? { teacher: inScope } : {}) } as Modules.Documents.Params.Filters.Any<typeof ENROLMENT_UID>;
      const [results, total] = await Promise.all([
        strapi.documents(ENROLMENT_UID).findMany({
          filters,
          sort: [{ enrolledAt: 'asc' }, { id: 'asc' }],
          fields: ['status', 'enrolledAt', 'completedAt'],
          populate: { teacher: { fields: ['name', 'staffNumber'], populate: { school: { fields: ['name'] } } } },
          start: (options.page - 1) * options.pageSize,
          limit: options.pageSize,
        }),
        strapi.documents(ENROLMENT_UID).count({ filters }),
      ]);
      return { results, pagination: { page: options.page, pageSize: options.pageSize, pageCount: Math.ceil(total / options.pageSize), total } };
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
              // An admin-panel coordinator has no content-API account to link; the audit entry names them.
              submittedBy: user.documentId || null,
              ...(own ? {} : { decidedBy: user.documentId || null, decidedAt: new Date() }),
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
  };
});
