import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertSchoolYear, roundHours, schoolYearOf } from '../../../training/ledger';
import { joinTable, tableOf } from '../../../shared/sql';
import type { TeacherPosition } from '../../../platform/teacher-positions';
import { cached, readCache } from '../../../shared/read-cache';

const CREDIT_UID = 'api::credit-record.credit-record';
/** A requirement rule: the yearly hours a position needs (minHours a decimal: text on PostgreSQL). */
interface RequirementRule { position: string; minHours: number | string; source: string | null }
/** The teacher and their school, as one row (positions: JSON text on SQLite, parsed on PostgreSQL). */
interface TeacherRow {
  id: number;
  documentId: string;
  name: string;
  staffNumber: string;
  positions: string | TeacherPosition[];
  schoolName: string | null;
  schoolCode: string | null;
}
/** Hours of one status, category and course (sums and counts may come back as text). */
interface HoursRow { status: string; category: string; courseCode: string | null; courseTitle: string | null; hours: number | string; records: number | string }
/** A certificate as the transcript lists it (issuedAt: epoch ms on SQLite, a Date on PostgreSQL). */
interface CertificateRow { documentId: string; tier: string; schoolYear: string; serialNumber: string; status: string; issuedAt: number | string | Date | null }

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The requirement for a set of positions: the strictest rule applies. */
  async requirementFor(positions: TeacherPosition[]) {
    // Reference data, read on every transcript: cached until a rule changes.
    const all = await cached(readCache<RequirementRule[]>(strapi, 'requirement-rules', ['api::requirement-rule.requirement-rule']), 'all', () =>
      strapi.db.query('api::requirement-rule.requirement-rule').findMany({})
    );
    const rules = all.filter((rule) => positions.includes(rule.position));
    const strictest = rules.reduce<RequirementRule | null>((best, rule) => (!best || Number(rule.minHours) > Number(best.minHours) ? rule : best), null);
    return strictest ? { position: strictest.position, minHours: Number(strictest.minHours), source: strictest.source } : { position: null, minHours: 0, source: null };
  },

  /**
   * A teacher's hours for one school year, summed by the database: approved and pending, by category and
   * by course; the requirement that applies, whether it is met and the hours still needed.
   */
  async forTeacher(teacherDocumentId: string, schoolYearParam?: unknown) {
    const schoolYear = schoolYearParam === undefined ? schoolYearOf(new Date()) : assertSchoolYear(schoolYearParam);
    const knex = strapi.db.connection;
    // The teacher and their school in one query (this is the hottest read of a training coordinator's day).
    const teacherSchool = joinTable(strapi, 'api::teacher.teacher', 'school');
    const row = (await knex({ t: tableOf(strapi, 'api::teacher.teacher') })
      .leftJoin({ ts: teacherSchool.name }, `ts.${teacherSchool.own}`, 't.id')
      .leftJoin({ s: tableOf(strapi, 'api::school.school') }, 's.id', `ts.${teacherSchool.other}`)
      .where('t.document_id', teacherDocumentId)
      .first({ id: 't.id', documentId: 't.document_id', name: 't.name', staffNumber: 't.staff_number', positions: 't.positions', schoolName: 's.name', schoolCode: 's.code' })) as TeacherRow | undefined;
    if (!row) throw new errors.NotFoundError('Teacher not found');
    const teacher = {
      ...row,
      // JSON is text on SQLite and parsed already on PostgreSQL.
      positions: (typeof row.positions === 'string' ? JSON.parse(row.positions) : row.positions) as TeacherPosition[],
      school: row.schoolCode ? { name: row.schoolName, code: row.schoolCode } : null,
    };

    const byTeacher = joinTable(strapi, CREDIT_UID, 'teacher');
    const byCourse = joinTable(strapi, CREDIT_UID, 'course');
    const rows: HoursRow[] = await knex({ cr: tableOf(strapi, CREDIT_UID) })
      .join({ tl: byTeacher.name }, `tl.${byTeacher.own}`, 'cr.id')
      .leftJoin({ cl: byCourse.name }, `cl.${byCourse.own}`, 'cr.id')
      .leftJoin({ c: tableOf(strapi, 'api::training-course.training-course') }, 'c.id', `cl.${byCourse.other}`)
      .where(`tl.${byTeacher.other}`, teacher.id)
      .where('cr.school_year', schoolYear)
      .whereIn('cr.status', ['approved', 'pending'])
      .select({ status: 'cr.status', category: 'cr.category', courseCode: 'c.code', courseTitle: 'c.title' })
      .sum({ hours: 'cr.hours' })
      .count({ records: '*' })
      .groupBy('cr.status', 'cr.category', 'c.code', 'c.title')
      .orderBy(['cr.category', 'c.code']);

    const total = (status: string) => roundHours(rows.filter((r) => r.status === status).reduce((sum, r) => sum + Number(r.hours), 0));
    const byCategory = new Map<string, { category: string; approvedHours: number; pendingHours: number }>();
    const courses = new Map<string, { code: string; title: string; approvedHours: number }>();
    for (const row of rows) {
      const entry = byCategory.get(row.category) ?? { category: row.category, approvedHours: 0, pendingHours: 0 };
      entry[row.status === 'approved' ? 'approvedHours' : 'pendingHours'] = roundHours(entry[row.status === 'approved' ? 'approvedHours' : 'pendingHours'] + Number(row.hours));
      byCategory.set(row.category, entry);
      if (row.courseCode && row.status === 'approved') {
        const course = courses.get(row.courseCode) ?? { code: row.courseCode, title: row.courseTitle, approvedHours: 0 };
        course.approvedHours = roundHours(course.approvedHours + Number(row.hours));
        courses.set(row.courseCode, course);
      }
    }
    const approvedHours = total('approved');
    const requirement = await this.requirementFor(teacher.positions);
    return {
      schoolYear,
      teacher: { documentId: teacher.documentId, name: teacher.name, staffNumber: teacher.staffNumber, positions: teacher.positions, school: teacher.school ? { name: teacher.school.name, code: teacher.school.code } : null },
      approvedHours,
      pendingHours: total('pending'),
      byCategory: [...byCategory.values()],
      byCourse: [...courses.values()],
      requirement,
      met: approvedHours >= requirement.minHours,
      hoursNeeded: roundHours(Math.max(0, requirement.minHours - approvedHours)),
      certificates: await this.certificatesOf(teacher.id),
    };
  },

  async certificatesOf(teacherId: number) {
    const link = joinTable(strapi, 'api::certificate.certificate', 'teacher');
    const rows: CertificateRow[] = await strapi.db.connection({ c: tableOf(strapi, 'api::certificate.certificate') })
      .join({ l: link.name }, `l.${link.own}`, 'c.id')
      .where(`l.${link.other}`, teacherId)
      .select({ documentId: 'c.document_id', tier: 'c.tier', schoolYear: 'c.school_year', serialNumber: 'c.serial_number', status: 'c.status', issuedAt: 'c.issued_at' })
      .orderBy([{ column: 'c.issued_at', order: 'asc' }, { column: 'c.id', order: 'asc' }]);
    // Datetimes are epoch milliseconds on SQLite and Date objects on PostgreSQL; the API speaks ISO 8601.
    return rows.map((row) => ({ ...row, issuedAt: row.issuedAt == null ? null : new Date(typeof row.issuedAt === 'string' && /^\d+$/.test(row.issuedAt) ? Number(row.issuedAt) : row.issuedAt).toISOString() }));
  },
});
