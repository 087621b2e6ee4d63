import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { readRows, type Cell } from '../shared/spreadsheet';
import { TEACHER_POSITIONS, isMentalHealthTeacher, type TeacherPosition } from './teacher-positions';
import { detectPersonalData } from '../shared/privacy-guard';
import { audit, type AuditEntry } from '../shared/audit';
import { newActivationCode, placeholderEmail, sendActivationCode, type Delivery } from './activation';
import { schoolInScope, type Scope } from './scope';
import { lockName } from '../shared/sql';

const TEACHER_UID = 'api::teacher.teacher';
const USER_UID = 'plugin::users-permissions.user';
const MAX_REPORTED_ERRORS = 1000;

const HEADERS: Record<string, string[]> = {
  staffNumber: ['工号', '教师编号', '教职工号', 'staffnumber', 'staff number'],
  name: ['姓名', '教师姓名', 'name'],
  schoolCode: ['学校代码', '学校编号', 'schoolcode', 'school code'],
  positions: ['岗位', '岗位类别', '任职岗位', 'positions'],
  phone: ['手机', '手机号', '联系电话', 'phone'],
  email: ['邮箱', '电子邮箱', 'email'],
};
const REQUIRED = ['staffNumber', 'name', 'schoolCode', 'positions'];

// seeds/000: 专（兼）职心理健康教育教师, 班主任, 德育管理者, 专任教师.
const POSITION_LABELS: Record<string, TeacherPosition> = {
  专职心理教师: 'mh_fulltime', 专职心理健康教育教师: 'mh_fulltime',
  兼职心理教师: 'mh_parttime', 兼职心理健康教育教师: 'mh_parttime',
  班主任: 'homeroom',
  德育管理者: 'moral_education', 德育干部: 'moral_education',
  专任教师: 'subject', 科任教师: 'subject', 学科教师: 'subject',
};

export interface RosterError { row: number; column: string; reason: string }
export interface RosterReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errorCount: number;
  errors: RosterError[];
  /**
   * New accounts and how their one-time activation code reached the teacher. The code itself is never in the
   * report: it goes by email to the teacher only (src/activation); without an email it is known to nobody.
   */
  activations: { row: number; staffNumber: string; username: string; delivery: Delivery }[];
  /** Existing teachers given a mental-health post: counselling cases stay closed until a researcher confirms (src/mh-post). */
  mhPostsPending: string[];
}

interface RosterRow { row: number; staffNumber: string; name: string; schoolCode: string; positions: TeacherPosition[]; phone: string | null; email: string | null }

function parsePositions(value: string): TeacherPosition[] | null {
  const parts = value.split(/[、,，;；/|\s]+/).map((p) => p.trim()).filter(Boolean);
  const mapped = parts.map((p) => POSITION_LABELS[p] ?? (TEACHER_POSITIONS.includes(p as TeacherPosition) ? (p as TeacherPosition) : null));
  if (!parts.length || mapped.includes(null)) return null;
  return TEACHER_POSITIONS.filter((p) => mapped.includes(p));
}

/**
 * Roster import: creates or updates teacher accounts and profiles keyed by staff number. New accounts get no
 * password, only a one-time activation code mailed to the teacher (never returned to the importer); nothing is
 * shared or default. A mental-health post opens counselling cases only after a researcher confirms it
 * (src/mh-post). All or nothing; dry run available.
 */
export async function importRoster(strapi: Core.Strapi, options: { filePath: string; actor: AuditEntry['actor']; scope?: Scope; dryRun?: boolean }): Promise<RosterReport> {
  const scope: Scope = options.scope ?? { level: 'city' };
  const problems: RosterError[] = [];
  let errorCount = 0;
  const report = (error: RosterError) => {
    errorCount += 1;
    if (problems.length < MAX_REPORTED_ERRORS) problems.push(error);
  };
  const parsed: RosterRow[] = [];
  const firstRow = new Map<string, number>();
  let columns: Record<string, number> | null = null;
  let rows = 0;

  for await (const { row, cells } of readRows(options.filePath)) {
    if (!columns) {
      const headers = cells.map((c) => String(c ?? '').replace(/^\uFEFF/, '').trim().toLowerCase());
      columns = {};
      for (const [field, aliases] of Object.entries(HEADERS)) {
        const index = headers.findIndex((h) => aliases.includes(h));
        if (index >= 0) columns[field] = index;
      }
      const missing = REQUIRED.filter((field) => columns![field] === undefined);
      missing.forEach((field) => report({ row: 1, column: field, reason: `missing column; one of: ${HEADERS[field].join(', ')}` }));
      if (missing.length) break;
      continue;
    }
    rows += 1;
    const text = (field: string) => (columns![field] === undefined ? '' : String((cells[columns![field]] as Cell) ?? '').trim());
    const before = errorCount;
    const staffNumber = text('staffNumber');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(staffNumber)) report({ row, column: 'staffNumber', reason: staffNumber ? `"${staffNumber}" may use only letters, digits, - and _` : 'missing' });
    const name = text('name');
    if (!name || name.length > 60) report({ row, column: 'name', reason: name ? 'longer than 60 characters' : 'missing' });
    const positions = parsePositions(text('positions'));
    if (!positions) report({ row, column: 'positions', reason: `"${text('positions')}" is not a list of 专职心理教师、兼职心理教师、班主任、德育管理者、专任教师` });
    const phone = text('phone') || null;
    if (phone && detectPersonalData(phone) !== 'mobile') report({ row, column: 'phone', reason: `"${phone}" is not a mainland mobile number` });
    const email = text('email') || null;
    if (email && detectPersonalData(email) !== 'email') report({ row, column: 'email', reason: `"${email}" is not an email address` });
    if (staffNumber && firstRow.has(staffNumber)) report({ row, column: 'staffNumber', reason: `duplicate of row ${firstRow.get(staffNumber)} in this file` });
    if (errorCount === before) {
      firstRow.set(staffNumber, row);
      parsed.push({ row, staffNumber, name, schoolCode: text('schoolCode'), positions: positions!, phone, email });
    }
  }

  const schools = new Map<string, string>();
  const outsideSchools = new Set<string>();
  for (const code of new Set(parsed.map((r) => r.schoolCode))) {
    const school = await strapi.db.query('api::school.school').findOne({ where: { code }, select: ['documentId', 'district'] });
    if (school && schoolInScope(scope, school)) schools.set(code, school.documentId);
    else if (school) outsideSchools.add(code);
  }
  // A scoped coordinator neither adds teachers to, nor moves teachers from, schools outside their scope.
  const outsideStaff = new Set<string>();
  if (scope.level !== 'city') {
    const numbers = parsed.map((r) => r.staffNumber);
    for (let i = 0; i < numbers.length; i += 500) {
      const existing = await strapi.db.query(TEACHER_UID).findMany({ where: { staffNumber: { $in: numbers.slice(i, i + 500) } }, select: ['staffNumber'], populate: { school: { select: ['documentId', 'district'] } } });
      for (const teacher of existing as { staffNumber: string; school: { documentId: string; district: string } | null }[]) {
        if (!schoolInScope(scope, teacher.school)) outsideStaff.add(teacher.staffNumber);
      }
    }
  }
  const valid = parsed.filter((r) => {
    if (outsideSchools.has(r.schoolCode)) report({ row: r.row, column: 'schoolCode', reason: `school "${r.schoolCode}" is outside your scope` });
    else if (!schools.has(r.schoolCode)) report({ row: r.row, column: 'schoolCode', reason: `unknown school code "${r.schoolCode}"` });
    else if (outsideStaff.has(r.staffNumber)) report({ row: r.row, column: 'staffNumber', reason: `staff number ${r.staffNumber} belongs to a teacher outside your scope` });
    else return true;
    return false;
  });

  const result: RosterReport = { dryRun: Boolean(options.dryRun), rows, created: 0, updated: 0, unchanged: 0, errorCount, errors: problems.sort((a, b) => a.row - b.row), activations: [], mhPostsPending: [] };
  if (errorCount > 0 && !options.dryRun) throw new errors.ValidationError(`${errorCount} row(s) have problems; nothing was imported`, { ...result });

  const teacherRole = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'teacher' } });
  // Sent only after the import has committed, so a rolled-back import mails nobody.
  const outgoing: { row: number; staffNumber: string; username: string; name: string; email: string | null; code: string | null }[] = [];
  const apply = async () => {
    for (const r of valid) {
      const existing = await strapi.db.query(TEACHER_UID).findOne({ where: { staffNumber: r.staffNumber }, populate: { school: { select: ['documentId'] } } });
      const profile = { name: r.name, school: schools.get(r.schoolCode), positions: r.positions, ...(r.phone ? { phone: r.phone } : {}) };
      if (existing) {
        const same = existing.name === r.name && existing.school?.documentId === profile.school && JSON.stringify(existing.positions) === JSON.stringify(r.positions) && (!r.phone || existing.phone === r.phone);
        if (same) { result.unchanged += 1; continue; }
        result.updated += 1;
        const before = (existing.positions ?? []) as TeacherPosition[];
        if (r.positions.some((p) => isMentalHealthTeacher([p]) && !before.includes(p))) result.mhPostsPending.push(r.staffNumber);
        if (!options.dryRun) await strapi.documents(TEACHER_UID).update({ documentId: existing.documentId, data: profile });
        continue;
      }
      result.created += 1;
      if (isMentalHealthTeacher(r.positions)) result.mhPostsPending.push(r.staffNumber);
      if (options.dryRun) continue;
      const username = `t${r.staffNumber.toLowerCase()}`;
      // Without an email address no code is stored at all: nobody can activate until one is re-issued (resend-activation).
      const code = r.email ? newActivationCode() : null;
      const user = await strapi.documents(USER_UID).create({
        data: { username, email: r.email ?? placeholderEmail(username), provider: 'local', confirmed: false, blocked: false, role: teacherRole.id, resetPasswordToken: code },
      });
      await strapi.documents(TEACHER_UID).create({ data: { ...profile, staffNumber: r.staffNumber, user: user.documentId } });
      outgoing.push({ row: r.row, staffNumber: r.staffNumber, username, name: r.name, email: r.email, code });
    }
  };
  if (options.dryRun) {
    await apply();
    return result;
  }
  await strapi.db.transaction(async ({ trx }) => {
    // Imports queue here, then read what is there: the same roster sent twice at once creates each account once.
    await lockName(strapi, trx, 'roster-import');
    await apply();
    await audit(strapi, { entityType: 'roster-import', entityDocumentId: randomBytes(12).toString('hex'), action: 'import', actor: options.actor, after: { rows, created: result.created, updated: result.updated, unchanged: result.unchanged, mhPostsPending: result.mhPostsPending } });
  });
  for (const item of outgoing) {
    const delivery = item.code ? await sendActivationCode(strapi, { username: item.username, email: item.email, name: item.name }, item.code) : 'no_email';
    result.activations.push({ row: item.row, staffNumber: item.staffNumber, username: item.username, delivery });
  }
  return result;
}
