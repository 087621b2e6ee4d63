import type { Core } from '@strapi/strapi';
import { fieldError, forbidden } from '../../../shared/errors';
import type { Scope } from '../../../platform/scope';
import { TEACHER_POSITIONS } from '../../../platform/teacher-positions';
import { assertSchoolYear, roundHours } from '../../../training/ledger';
import { jsonAsText, joinTable, tableOf } from '../../../shared/sql';

type Query = Record<string, unknown>;
/** A requirement rule row: the yearly hours one position needs (decimal: text on PostgreSQL). */
interface RequirementRuleRow { position: string; minHours: number | string }
/** A row of the compliance statement (counts and sums may come back as text or bigint strings). */
interface ComplianceSqlRow {
  school_code: string;
  school_name: string;
  district: string;
  position: string;
  teachers: number | string;
  meeting: number | string;
  approved_hours: number | string | null;
}

export interface ComplianceRow {
  schoolCode: string;
  schoolName: string;
  district: string;
  position: string;
  teachers: number;
  meeting: number;
  share: number;
  approvedHours: number;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * The compliance report's one aggregate statement and its bindings (also run bare by the benchmark,
   * as the floor the endpoint is measured against).
   */
  async complianceStatement(query: Query, scope: Scope = { level: 'city' }): Promise<{ schoolYear: string; sql: string; bindings: (string | number)[] }> {
    const schoolYear = assertSchoolYear(query.schoolYear);
    let district = typeof query.district === 'string' && query.district ? query.district : undefined;
    let school = typeof query.school === 'string' && query.school ? query.school : undefined;
    if (district && school) throw fieldError('school', 'give district or school, not both');
    // Scoped staff see their own district or school; without a parameter that is what they get.
    if (!district && !school && scope.level === 'district') district = scope.district;
    if (!district && !school && scope.level === 'school') school = scope.schoolCode;
    if (!district && !school) throw fieldError('district', 'district or school (a school code) is required');
    if (district && scope.level !== 'city' && !(scope.level === 'district' && scope.district === district)) {
      throw forbidden(`district ${district} is outside your scope`);
    }
    if (school && scope.level !== 'city') {
      const row: { district: string } | null = await strapi.db.query('api::school.school').findOne({ where: { code: school }, select: ['district'] });
      const inside = scope.level === 'school' ? scope.schoolCode === school : row?.district === scope.district;
      if (!inside) throw forbidden(`school ${school} is outside your scope`);
    }

    const rules: RequirementRuleRow[] = await strapi.db.query('api::requirement-rule.requirement-rule').findMany({});
    const strictestFirst = [...rules].sort((a, b) => Number(b.minHours) - Number(a.minHours));
    const positions = jsonAsText(strapi, 't.positions');
    const requiredCase = `CASE ${strictestFirst.map(() => `WHEN ${positions} LIKE ? THEN ?`).join(' ')} ELSE 0 END`;
    const requiredBindings = strictestFirst.flatMap((rule) => [`%"${rule.position}"%`, Number(rule.minHours)]);

    const credit = joinTable(strapi, 'api::credit-record.credit-record', 'teacher');
    const teacherSchool = joinTable(strapi, 'api::teacher.teacher', 'school');
    const perPosition = TEACHER_POSITIONS.map(() => `SELECT staffed.*, ? AS position FROM staffed WHERE staffed.positions LIKE ?`).join(' UNION ALL ');
    // The district's teachers first; their hours are then read through the teacher index of the link table,
    // so a district of 5,000 touches its own ~100,000 records, not the year's whole ledger.
    const sql = `
      WITH staff AS (
        SELECT t.id AS teacher_id, s.code AS school_code, s.name AS school_name, s.district AS district,
               ${positions} AS positions, ${requiredCase} AS required
        FROM ${tableOf(strapi, 'api::teacher.teacher')} t
        JOIN ${teacherSchool.name} ts ON ts.${teacherSchool.own} = t.id
        JOIN ${tableOf(strapi, 'api::school.school')} s ON s.id = ts.${teacherSchool.other}
        WHERE ${district ? 's.district = ?' : 's.code = ?'}
      ),
      hours AS (
        SELECT tl.${credit.other} AS teacher_id, SUM(cr.hours) AS total
        FROM staff
        JOIN ${credit.name} tl ON tl.${credit.other} = staff.teacher_id
        JOIN ${tableOf(strapi, 'api::credit-record.credit-record')} cr ON cr.id = tl.${credit.own}
        WHERE cr.status = 'approved' AND cr.school_year = ?
        GROUP BY tl.${credit.other}
      ),
      staffed AS (
        SELECT staff.*, COALESCE(h.total, 0) AS total FROM staff LEFT JOIN hours h ON h.teacher_id = staff.teacher_id
      )
      SELECT school_code, school_name, district, position, COUNT(*) AS teachers,
             SUM(CASE WHEN total >= required THEN 1 ELSE 0 END) AS meeting, SUM(total) AS approved_hours
      FROM (${perPosition}) by_position
      GROUP BY school_code, school_name, district, position
      ORDER BY school_code, position`;
    const bindings = [
      ...requiredBindings,
      district ?? school,
      schoolYear,
      ...TEACHER_POSITIONS.flatMap((position) => [position, `%"${position}"%`]),
    ];
    return { schoolYear, sql, bindings };
  },

  /**
   * Per school and position: teachers, teachers meeting their (strictest) requirement, share, approved hours.
   * One aggregate statement in the database; nothing is loaded into JavaScript but the result rows.
   */
  async compliance(query: Query, scope?: Scope): Promise<{ schoolYear: string; rows: ComplianceRow[] }> {
    const { schoolYear, sql, bindings } = await this.complianceStatement(query, scope);
    const result = await strapi.db.connection.raw(sql, bindings);
    const rows: ComplianceSqlRow[] = Array.isArray(result) ? result : result.rows;
    return {
      schoolYear,
      rows: rows.map((row) => {
        const teachers = Number(row.teachers);
        const meeting = Number(row.meeting);
        return {
          schoolCode: row.school_code,
          schoolName: row.school_name,
          district: row.district,
          position: row.position,
          teachers,
          meeting,
          share: teachers ? Math.round((meeting / teachers) * 1000) / 1000 : 0,
          approvedHours: roundHours(Number(row.approved_hours)),
        };
      }),
    };
  },

  /** CSV for Excel: UTF-8 with a BOM so Chinese shows correctly, bilingual headers, RFC 4180 quoting. */
  toCsv(rows: ComplianceRow[]): string {
    const header = ['学校代码 School code', '学校 School', '区县 District', '岗位 Position', '教师数 Teachers', '达标人数 Meeting', '达标率 Share', '认定学时 Approved hours'];
    const quote = (value: unknown) => {
      const text = String(value ?? '');
      // A leading =, +, - or @ would run as a formula in Excel.
      const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const lines = rows.map((r) => [r.schoolCode, r.schoolName, r.district, r.position, r.teachers, r.meeting, r.share, r.approvedHours].map(quote).join(','));
    return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
  },
});
