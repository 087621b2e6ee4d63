import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { createId } from '@paralleldrive/cuid2';
import { audit } from '../shared/audit';
import { teacherFilter, type Scope } from '../platform/scope';
import { insertCreditRecords, type NewCreditRecord } from './ledger';
import { joinTable, lockName, tableOf } from '../shared/sql';
import { asDecision } from '../shared/decision';
import { readRows } from '../shared/spreadsheet';
import { mapHeader, normalizeText, parseRow, type ColumnMap, type ImportRow, type RowError } from './attendance-columns';

const CREDIT_UID = 'api::credit-record.credit-record';
const LOOKUP_BATCH = 1000;
const INSERT_BATCH = 2000;
const MAX_REPORTED_ERRORS = 1000;

export interface ImportOptions {
  filePath: string;
  actor: { id: number; documentId: string; username: string };
  dryRun?: boolean;
  /** The importer's scope: staff numbers of teachers outside it are as unknown as staff numbers that do not exist. */
  scope?: Scope;
  /** Import the valid rows even when others are bad (default: all or nothing). */
  partial?: boolean;
}

export interface SkippedRow {
  row: number;
  reason: string;
  record: string;
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  valid: number;
  alreadyImported: number;
  imported: number;
  /** Of those imported, hours of the importing coordinator's own profile: stored pending for someone else. */
  pendingOwn: number;
  errorCount: number;
  errors: RowError[];
  /** Every row skipped because it was imported before, with when and by whom (the first 1000). */
  skipped: SkippedRow[];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Attendance import: streams the file, validates every row (unknown staff number or course, bad date,
 * hours that are negative, absurd or over-precise, duplicates inside the file), skips rows imported before
 * (same external reference), and writes everything in one transaction — or nothing.
 */
export async function importAttendance(strapi: Core.Strapi, options: ImportOptions): Promise<ImportReport> {
  const today = new Date().toISOString().slice(0, 10);
  const problems: RowError[] = [];
  let errorCount = 0;
  const report = (error: RowError) => {
    errorCount += 1;
    if (problems.length < MAX_REPORTED_ERRORS) problems.push(error);
  };
  const teacherIds = new Map<string, number>();
  const teacherNames = new Map<string, string>();
  const courseIds = new Map<string, number>();
  const firstRowOf = new Map<string, number>();
  const accepted: (ImportRow & { teacherId: number; courseId: number | null })[] = [];
  let pending: ImportRow[] = [];
  let columns: ColumnMap | null = null;
  let rows = 0;

  const inScope = teacherFilter(options.scope ?? { level: 'city' });
  const scoped = (where: Record<string, unknown>) => (Object.keys(inScope).length ? { $and: [where, inScope] } : where);
  const resolve = async (batch: ImportRow[]) => {
    const staff = [...new Set(batch.map((r) => r.staffNumber))].filter((s) => !teacherIds.has(s));
    for (const part of chunks(staff, 500)) {
      const found = await strapi.db.query('api::teacher.teacher').findMany({ where: scoped({ staffNumber: { $in: part } }), select: ['id', 'staffNumber', 'name'] });
      for (const teacher of found) {
        teacherIds.set(teacher.staffNumber, teacher.id);
        teacherNames.set(teacher.staffNumber, teacher.name);
      }
    }
    const codes = [...new Set(batch.map((r) => r.courseCode).filter(Boolean) as string[])].filter((c) => !courseIds.has(c));
    if (codes.length) {
      const found: { id: number; code: string }[] = await strapi.db.query('api::training-course.training-course').findMany({ where: { code: { $in: codes } }, select: ['id', 'code'] });
      for (const course of found) courseIds.set(course.code, course.id);
    }
    for (const row of batch) {
      const teacherId = teacherIds.get(row.staffNumber);
      const sameName = (a: string, b: string) => normalizeText(a).replace(/\s+/g, '') === normalizeText(b).replace(/\s+/g, '');
      if (!teacherId) report({ row: row.row, column: 'staffNumber', reason: `unknown staff number "${row.staffNumber}"` });
      else if (row.name && !sameName(row.name, teacherNames.get(row.staffNumber) ?? '')) {
        report({ row: row.row, column: 'name', reason: `姓名 "${row.name}" is not the teacher with staff number ${row.staffNumber}` });
      } else if (row.courseCode && !courseIds.has(row.courseCode)) report({ row: row.row, column: 'courseCode', reason: `unknown course code "${row.courseCode}"` });
      else accepted.push({ ...row, teacherId, courseId: row.courseCode ? courseIds.get(row.courseCode)! : null });
    }
  };

  for await (const { row, cells } of readRows(options.filePath)) {
    if (!columns) {
      const header = mapHeader(cells);
      if (header.errors.length) {
        header.errors.forEach(report);
        break;
      }
      columns = header.columns;
      continue;
    }
    rows += 1;
    const { value, errors: rowErrors } = parseRow(row, cells, columns, today);
    if (!value) {
      rowErrors.forEach(report);
      continue;
    }
    const first = firstRowOf.get(value.externalRef);
    if (first !== undefined) {
      report({ row, column: 'row', reason: `duplicate of row ${first} in this file` });
      continue;
    }
    firstRowOf.set(value.externalRef, row);
    pending.push(value);
    if (pending.length >= LOOKUP_BATCH) {
      await resolve(pending);
      pending = [];
    }
  }
  if (pending.length) await resolve(pending);
  if (!columns && errorCount === 0) report({ row: 1, column: 'file', reason: 'the file has no header row' });

  const result: ImportReport = {
    dryRun: Boolean(options.dryRun),
    rows,
    valid: accepted.length,
    alreadyImported: 0,
    imported: 0,
    pendingOwn: 0,
    errorCount,
    errors: problems.sort((a, b) => a.row - b.row),
    skipped: [],
  };
  const table = tableOf(strapi, CREDIT_UID);
  const submitter = joinTable(strapi, CREDIT_UID, 'submittedBy');
  const users = tableOf(strapi, 'plugin::users-permissions.user');
  // Rows imported before are skipped, so importing the same file again adds nothing; each skipped row is
  // reported with the record it matched, when and by whom. A row also matches by the identity it had before
  // the training was part of it, so files imported then are not imported twice.
  const importedBefore = async (knex: typeof strapi.db.connection) => {
    const existing = new Map<string, { record: string; at: Date | string; by: string | null }>();
    const refs = accepted.flatMap((r) => (r.legacyRef ? [r.externalRef, r.legacyRef] : [r.externalRef]));
    for (const part of chunks(refs, 500)) {
      const found = await knex({ c: table })
        .leftJoin({ s: submitter.name }, `s.${submitter.own}`, 'c.id')
        .leftJoin({ u: users }, 'u.id', `s.${submitter.other}`)
        .whereIn('c.external_ref', part)
        .select({ ref: 'c.external_ref', record: 'c.document_id', at: 'c.created_at', by: 'u.username' });
      for (const row of found) existing.set(row.ref, { record: row.record, at: row.at, by: row.by });
    }
    const skipped: SkippedRow[] = [];
    const isFresh = (r: ImportRow) => {
      const match = existing.get(r.externalRef) ?? (r.legacyRef ? existing.get(r.legacyRef) : undefined);
      if (!match) return true;
      const day = new Date(match.at).toISOString().slice(0, 10);
      skipped.push({ row: r.row, record: match.record, reason: `imported on ${day} by ${match.by ?? 'an earlier import'}` });
      return false;
    };
    const fresh = accepted.filter(isFresh);
    return { fresh, skipped };
  };
  const withSkipped = (skipped: SkippedRow[]) => ({ alreadyImported: skipped.length, skipped: skipped.slice(0, MAX_REPORTED_ERRORS) });
  if (options.dryRun) return { ...result, ...withSkipped((await importedBefore(strapi.db.connection)).skipped) };

  // Separation of duties: hours for the importing coordinator's own teacher profile are stored pending, for
  // another coordinator to decide; nobody approves their own hours, on any path.
  const ownProfile = await strapi.db.query('api::teacher.teacher').findOne({ where: { user: { id: options.actor.id } }, select: ['id'] });

  return asDecision('import', () => strapi.db.transaction(async ({ trx }) => {
    // Lock first, then check what is already there: the same sheet sent twice at once is imported once,
    // and the second request reports its rows as already imported.
    await lockName(strapi, trx, 'attendance-import');
    const { fresh, skipped } = await importedBefore(trx);
    Object.assign(result, withSkipped(skipped));
    if (errorCount > 0 && !options.partial) {
      throw new errors.ValidationError(`${errorCount} row(s) have problems; nothing was imported`, { ...result, errors: result.errors });
    }
    if (fresh.length === 0) return result;
    const isOwn = (r: { teacherId: number }) => ownProfile?.id === r.teacherId;
    // Written through the ledger's bulk writer: records, links and one audit entry each.
    for (const part of chunks(fresh, INSERT_BATCH)) {
      await insertCreditRecords(strapi, trx, part.map((r): NewCreditRecord => ({
        teacherId: r.teacherId,
        courseId: r.courseId,
        category: r.category,
        hours: r.hours,
        date: r.date,
        schoolYear: r.schoolYear,
        source: 'import',
        status: isOwn(r) ? 'pending' : 'approved',
        note: r.training,
        externalRef: r.externalRef,
        context: { staffNumber: r.staffNumber, training: r.training, row: r.row },
      })), options.actor, 'import');
    }
    await audit(strapi, {
      entityType: 'credit-import',
      entityDocumentId: createId(),
      action: 'import',
      actor: options.actor,
      after: { rows, imported: fresh.length, alreadyImported: skipped.length, pendingOwn: fresh.filter(isOwn).length, errorCount, partial: Boolean(options.partial) },
    });
    return { ...result, imported: fresh.length, pendingOwn: fresh.filter(isOwn).length };
  }));
}
