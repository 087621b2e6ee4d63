import type { Core } from '@strapi/strapi';
import { fieldError, forbidden } from '../../../shared/errors';
import type { Scope } from '../../../platform/scope';
import { TEACHER_POSITIONS } from '../../../platform/teacher-positions';
import { assertSchoolYear, roundHours } from '../../../training/ledger';
import ExcelJS from 'exceljs';
import { columnOf, jsonAsText, joinTable, tableOf } from '../../../shared/sql';
import { options as positionLabels } from '../../../../database/reference/admin-labels.json';

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

/** How the compliance summary groups its teachers: one step of the drill-down city → district → school → teacher. */
export const COMPLIANCE_GROUPS = ['district', 'school', 'teacher'] as const;
export type ComplianceGroup = (typeof COMPLIANCE_GROUPS)[number];

/** One area of the summary (a district or a school): distinct teachers, those meeting their requirement, hours. */
export interface ComplianceArea {
  key: string;
  name: string;
  district: string;
  teachers: number;
  meeting: number;
  share: number;
  approvedHours: number;
}

/** One teacher of the summary: their positions, the hours their strictest position requires, their approved hours. */
export interface ComplianceTeacher {
  documentId: string;
  name: string;
  staffNumber: string;
  schoolCode: string;
  schoolName: string;
  positions: string[];
  requiredHours: number;
  approvedHours: number;
  meeting: boolean;
}

export interface ComplianceSummary {
  schoolYear: string;
  groupBy: ComplianceGroup;
  /** The area summarised: the city, or one district or school. */
  area: { district?: string; school?: string; schoolName?: string };
  totals: { teachers: number; meeting: number; share: number };
  areas: ComplianceArea[];
  teachers: ComplianceTeacher[];
}

type Table = { header: string[]; rows: (string | number)[][] };

/** Excel would run a cell starting with =, +, - or @ as a formula. */
const noFormula = (value: unknown) => {
  const text = String(value ?? '');
  return /^[=+\-@]/.test(text) ? `'${text}` : text;
};
const shareOf = (meeting: number, teachers: number) => (teachers ? Math.round((meeting / teachers) * 1000) / 1000 : 0);

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * The area a compliance query asks for, within the caller's scope: a district, a school (by code), or — for the
   * city's staff only — the whole city (neither). Scoped staff asking for nothing get their own area.
   */
  async areaOf(query: Query, scope: Scope, { cityAllowed }: { cityAllowed: boolean }): Promise<{ district?: string; school?: string }> {
    let district = typeof query.district === 'string' && query.district ? query.district : undefined;
    let school = typeof query.school === 'string' && query.school ? query.school : undefined;
    if (query.district !== undefined && typeof query.district !== 'string') throw fieldError('district', 'district must be one district name');
    if (query.school !== undefined && typeof query.school !== 'string') throw fieldError('school', 'school must be one school code');
    if (district && school) throw fieldError('school', 'give district or school, not both');
    if (!district && !school && scope.level === 'district') district = scope.district;
    if (!district && !school && scope.level === 'school') school = scope.schoolCode;
    if (!district && !school && !cityAllowed) throw fieldError('district', 'district or school (a school code) is required');
    if (district && scope.level !== 'city' && !(scope.level === 'district' && scope.district === district)) {
      throw forbidden(`district ${district} is outside your scope`);
    }
    if (school && scope.level !== 'city') {
      const row: { district: string } | null = await strapi.db.query('api::school.school').findOne({ where: { code: school }, select: ['district'] });
      const inside = scope.level === 'school' ? scope.schoolCode === school : row?.district === scope.district;
      if (!inside) throw forbidden(`school ${school} is outside your scope`);
    }
    return { district, school };
  },

  /**
   * The teachers of an area with their strictest requirement and their approved hours of the school year, as
   * common table expressions ending in `staffed`. The area's teachers come first; their hours are then read
   * through the teacher index of the link table, so a district of 5,000 touches its own ~100,000 records, not
   * the year's whole ledger.
   */
  async staffedTeachers(schoolYear: string, area: { district?: string; school?: string }): Promise<{ sql: string; bindings: (string | number)[] }> {
    const rules: RequirementRuleRow[] = await strapi.db.query('api::requirement-rule.requirement-rule').findMany({});
    const strictestFirst = [...rules].sort((a, b) => Number(b.minHours) - Number(a.minHours));
    const positions = jsonAsText(strapi, 't.positions');
    const requiredCase = strictestFirst.length ? `CASE ${strictestFirst.map(() => `WHEN ${positions} LIKE ? THEN ?`).join(' ')} ELSE 0 END` : '0';
    const requiredBindings = strictestFirst.flatMap((rule) => [`%"${rule.position}"%`, Number(rule.minHours)]);
    const teacher = (attribute: string) => `t.${columnOf(strapi, 'api::teacher.teacher', attribute)}`;
    const credit = joinTable(strapi, 'api::credit-record.credit-record', 'teacher');
    const teacherSchool = joinTable(strapi, 'api::teacher.teacher', 'school');
    const where = area.district ? 's.district = ?' : area.school ? 's.code = ?' : '1 = 1';
    const sql = `
      WITH staff AS (
        SELECT t.id AS teacher_id, ${teacher('documentId')} AS document_id, ${teacher('name')} AS teacher_name, ${teacher('staffNumber')} AS staff_number,
               s.code AS school_code, s.name AS school_name, s.district AS district,
               ${positions} AS positions, ${requiredCase} AS required
        FROM ${tableOf(strapi, 'api::teacher.teacher')} t
        JOIN ${teacherSchool.name} ts ON ts.${teacherSchool.own} = t.id
        JOIN ${tableOf(strapi, 'api::school.school')} s ON s.id = ts.${teacherSchool.other}
        WHERE ${where}
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
      )`;
    return { sql, bindings: [...requiredBindings, ...(area.district ? [area.district] : area.school ? [area.school] : []), schoolYear] };
  },

  /**
   * The compliance report's one aggregate statement and its bindings (also run bare by the benchmark,
   * as the floor the endpoint is measured against).
   */
  async complianceStatement(query: Query, scope: Scope = { level: 'city' }): Promise<{ schoolYear: string; sql: string; bindings: (string | number)[] }> {
    const schoolYear = assertSchoolYear(query.schoolYear);
    const area = await this.areaOf(query, scope, { cityAllowed: false });
    const staffed = await this.staffedTeachers(schoolYear, area);
    const perPosition = TEACHER_POSITIONS.map(() => `SELECT staffed.*, ? AS position FROM staffed WHERE staffed.positions LIKE ?`).join(' UNION ALL ');
    const sql = `${staffed.sql}
      SELECT school_code, school_name, district, position, COUNT(*) AS teachers,
             SUM(CASE WHEN total >= required THEN 1 ELSE 0 END) AS meeting, SUM(total) AS approved_hours
      FROM (${perPosition}) by_position
      GROUP BY school_code, school_name, district, position
      ORDER BY school_code, position`;
    return { schoolYear, sql, bindings: [...staffed.bindings, ...TEACHER_POSITIONS.flatMap((position) => [position, `%"${position}"%`])] };
  },

  /**
   * The drill-down city → district → school → teacher: distinct teachers meeting their strictest requirement,
   * grouped by district or school, or the teachers themselves (of one district or school). One aggregate
   * statement; `groupBy` defaults to one level below the area asked for.
   */
  async complianceSummary(query: Query, scope: Scope = { level: 'city' }): Promise<ComplianceSummary> {
    const schoolYear = assertSchoolYear(query.schoolYear);
    if (query.groupBy !== undefined && !COMPLIANCE_GROUPS.includes(query.groupBy as ComplianceGroup)) {
      throw fieldError('groupBy', `groupBy must be one of ${COMPLIANCE_GROUPS.join(', ')}`);
    }
    const area = await this.areaOf(query, scope, { cityAllowed: true });
    const groupBy = (query.groupBy as ComplianceGroup | undefined) ?? (area.school ? 'teacher' : area.district ? 'school' : 'district');
    // A city-wide list of every teacher would be a whole province's roster: it is read one district at a time.
    if (groupBy === 'teacher' && !area.district && !area.school) throw fieldError('groupBy', 'groupBy=teacher needs a district or a school');
    if (groupBy === 'district' && area.school) throw fieldError('groupBy', 'a school is not grouped by district');
    const staffed = await this.staffedTeachers(schoolYear, area);
    const run = async <Row>(select: string): Promise<Row[]> => {
      const result = await strapi.db.connection.raw(`${staffed.sql} ${select}`, staffed.bindings);
      return Array.isArray(result) ? result : result.rows;
    };
    const meetingSql = 'SUM(CASE WHEN total >= required THEN 1 ELSE 0 END)';
    const totals = (await run<{ teachers: number | string; meeting: number | string | null }>(`SELECT COUNT(*) AS teachers, ${meetingSql} AS meeting FROM staffed`))[0];
    const summary: ComplianceSummary = {
      schoolYear,
      groupBy,
      area,
      totals: { teachers: Number(totals?.teachers ?? 0), meeting: Number(totals?.meeting ?? 0), share: shareOf(Number(totals?.meeting ?? 0), Number(totals?.teachers ?? 0)) },
      areas: [],
      teachers: [],
    };
    if (area.school) {
      const school: { name: string } | null = await strapi.db.query('api::school.school').findOne({ where: { code: area.school }, select: ['name'] });
      summary.area.schoolName = school?.name;
    }
    if (groupBy === 'teacher') {
      const rows = await run<{ document_id: string; teacher_name: string; staff_number: string; school_code: string; school_name: string; positions: string | null; required: number | string; total: number | string }>(
        'SELECT document_id, teacher_name, staff_number, school_code, school_name, positions, required, total FROM staffed ORDER BY school_code, teacher_name, staff_number'
      );
      summary.teachers = rows.map((row) => {
        const requiredHours = roundHours(Number(row.required));
        const approvedHours = roundHours(Number(row.total));
        return {
          documentId: row.document_id,
          name: row.teacher_name,
          staffNumber: row.staff_number,
          schoolCode: row.school_code,
          schoolName: row.school_name,
          positions: JSON.parse(row.positions ?? '[]') as string[],
          requiredHours,
          approvedHours,
          meeting: Number(row.total) >= Number(row.required),
        };
      });
      return summary;
    }
    const [key, name, groupColumns] = groupBy === 'district' ? ['district', 'district', 'district'] : ['school_code', 'school_name', 'school_code, school_name, district'];
    const rows = await run<{ area_key: string; area_name: string; area_district: string; teachers: number | string; meeting: number | string; approved_hours: number | string | null }>(
      `SELECT ${key} AS area_key, ${name} AS area_name, district AS area_district, COUNT(*) AS teachers, ${meetingSql} AS meeting, SUM(total) AS approved_hours
       FROM staffed GROUP BY ${groupColumns} ORDER BY ${key}`
    );
    summary.areas = rows.map((row) => ({
      key: row.area_key,
      name: row.area_name,
      district: row.area_district,
      teachers: Number(row.teachers),
      meeting: Number(row.meeting),
      share: shareOf(Number(row.meeting), Number(row.teachers)),
      approvedHours: roundHours(Number(row.approved_hours ?? 0)),
    }));
    return summary;
  },

  /** The summary as a table for CSV and XLSX: bilingual headers, position names in Chinese. */
  summaryTable(summary: ComplianceSummary): Table {
    const positionName = (code: string) => (positionLabels as Record<string, { 'zh-Hans': string }>)[code]?.['zh-Hans'] ?? code;
    if (summary.groupBy === 'teacher') {
      return {
        header: ['学校代码 School code', '学校 School', '工号 Staff no.', '姓名 Name', '岗位 Positions', '应修学时 Required hours', '认定学时 Approved hours', '是否达标 Meeting'],
        rows: summary.teachers.map((t) => [t.schoolCode, t.schoolName, t.staffNumber, t.name, t.positions.map(positionName).join('、'), t.requiredHours, t.approvedHours, t.meeting ? '是 yes' : '否 no']),
      };
    }
    const first = summary.groupBy === 'district' ? ['区县 District'] : ['学校代码 School code', '学校 School', '区县 District'];
    return {
      header: [...first, '教师数 Teachers', '达标人数 Meeting', '达标率 Share', '认定学时 Approved hours'],
      rows: summary.areas.map((a) => [...(summary.groupBy === 'district' ? [a.name] : [a.key, a.name, a.district]), a.teachers, a.meeting, a.share, a.approvedHours]),
    };
  },

  /** CSV for Excel: UTF-8 with a BOM so Chinese shows correctly, RFC 4180 quoting, no formulas. */
  csvOf({ header, rows }: Table): string {
    const quote = (value: unknown) => {
      const safe = noFormula(value);
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    return `\uFEFF${[header.map(quote).join(','), ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? String(cell) : quote(cell))).join(','))].join('\r\n')}\r\n`;
  },

  /** The same table as an XLSX workbook (one sheet, header frozen, numbers as numbers). */
  async xlsxOf({ header, rows }: Table, sheetName: string): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(header).font = { bold: true };
    for (const row of rows) sheet.addRow(row.map((cell) => (typeof cell === 'number' ? cell : noFormula(cell))));
    sheet.columns.forEach((column) => {
      column.width = 16;
    });
    return Buffer.from(await workbook.xlsx.writeBuffer());
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

  /** The per school and position rows as a table (the report's CSV and XLSX). */
  rowsTable(rows: ComplianceRow[]): Table {
    return {
      header: ['学校代码 School code', '学校 School', '区县 District', '岗位 Position', '教师数 Teachers', '达标人数 Meeting', '达标率 Share', '认定学时 Approved hours'],
      rows: rows.map((r) => [r.schoolCode, r.schoolName, r.district, r.position, r.teachers, r.meeting, r.share, r.approvedHours]),
    };
  },

  toCsv(rows: ComplianceRow[]): string {
    return this.csvOf(this.rowsTable(rows));
  },
});
