import type { Core } from '@strapi/strapi';
import { fieldError } from '../shared/errors';
import { changed } from '../shared/cluster';
import { columnOf, ensureAppendOnly, ensureFrozenRows, ensureUniqueIndex, insertRows, joinTable, newDocumentIds, tableOf } from '../shared/sql';

export const CREDIT_CATEGORIES = ['topic_training', 'school_based', 'online', 'clinical_shadowing', 'wellbeing_activity', 'other'] as const;
/** More than this in one record is a typing error, not a course (a full 跟岗进修 term is well under it). */
export const MAX_HOURS_PER_RECORD = 200;


/** DOMAIN.md: a school year (学年) runs from 1 September to 31 August; 2025-10-08 → "2025-2026". */
export function schoolYearOf(date: string | Date): string {
  const d = typeof date === 'string' ? new Date(`${date.slice(0, 10)}T00:00:00Z`) : date;
  if (Number.isNaN(d.getTime())) throw fieldError('date', `"${String(date)}" is not a date (YYYY-MM-DD)`);
  const year = d.getUTCFullYear();
  const start = d.getUTCMonth() >= 8 ? year : year - 1;
  return `${start}-${start + 1}`;
}

export function assertSchoolYear(value: unknown, field = 'schoolYear'): string {
  const text = String(value ?? '');
  const match = /^(\d{4})-(\d{4})$/.exec(text);
  if (!match || Number(match[2]) !== Number(match[1]) + 1) throw fieldError(field, `${field} must look like 2025-2026`);
  return text;
}

/** Credit hours are kept to one decimal (学时 are recorded as 2.5, never 2.47). */
export const roundHours = (hours: number) => Math.round(hours * 10) / 10;

/** The ledger's rule for hours in one record: positive, at most one decimal, at most MAX_HOURS_PER_RECORD. */
export type HoursProblem = 'not-a-number' | 'not-positive' | 'too-many-decimals' | 'too-many';
export function hoursProblem(hours: unknown): HoursProblem | null {
  if (typeof hours !== 'number' || !Number.isFinite(hours)) return 'not-a-number';
  if (hours <= 0) return 'not-positive';
  if (hours > MAX_HOURS_PER_RECORD) return 'too-many';
  if (Math.abs(Math.round(hours * 10) - hours * 10) > 1e-9) return 'too-many-decimals';
  return null;
}

/** Positive hours with at most one decimal, up to the sane maximum (the rule above, as a 400 naming the field). */
export function assertHours(value: unknown, field = 'hours'): number {
  const hours = typeof value === 'string' ? Number(value) : value;
  const problem = hoursProblem(hours);
  if (problem === 'not-a-number' || problem === 'not-positive') throw fieldError(field, `${field} must be a positive number`);
  if (problem === 'too-many-decimals') throw fieldError(field, `${field} has at most one decimal (e.g. 2.5)`);
  if (problem === 'too-many') throw fieldError(field, `${field} is at most ${MAX_HOURS_PER_RECORD} in one record`);
  return roundHours(hours as number);
}

export const sameHours = (a: number, b: number) => Math.round(a * 10) === Math.round(b * 10);

/** The fields of a credit record worth keeping in its audit trail (a row, a document or a record about to be written). */
type SnapshotField = 'documentId' | 'category' | 'hours' | 'date' | 'schoolYear' | 'source' | 'status' | 'note' | 'rejectionReason' | 'externalRef';
export function creditSnapshot(record: { [field in SnapshotField]?: unknown } | null) {
  if (!record) return null;
  const { documentId, category, hours, date, schoolYear, source, status, note, rejectionReason, externalRef } = record;
  return { documentId, category, hours: hours == null ? null : Number(hours), date, schoolYear, source, status, note, rejectionReason, externalRef };
}


const CREDIT_UID = 'api::credit-record.credit-record';
const AUDIT_UID = 'api::audit-event.audit-event';

/** A credit record written in bulk (imports): already validated, its teacher and course resolved to ids. */
export interface NewCreditRecord {
  teacherId: number;
  courseId: number | null;
  category: string;
  hours: number;
  date: string;
  schoolYear: string;
  source: 'import' | 'course' | 'manual';
  /** Approved (decided by the actor now) or pending (for someone else to decide). */
  status: 'approved' | 'pending';
  note: string | null;
  externalRef: string | null;
  /** Kept in the record's audit entry beside its snapshot (e.g. the import row and staff number). */
  context?: Record<string, unknown>;
}

/**
 * The ledger's bulk writer: the records, their teacher/course/submitter/decider links and one audit entry
 * each, inside the caller's transaction (and decision), in a few statements per thousand rows.
 * Returns the records' documentIds in order.
 */
export async function insertCreditRecords(strapi: Core.Strapi, trx: Core.Strapi['db']['connection'], records: NewCreditRecord[], actor: { id: number; username: string }, action: string): Promise<string[]> {
  if (records.length === 0) return [];
  const now = new Date();
  const documentIds = newDocumentIds(records.length);
  // Column names from the metadata, as every other raw write (src/shared/sql.ts).
  const rowOf = (uid: string, values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([attribute, value]) => [columnOf(strapi, uid, attribute), value]));
  const ids = await insertRows(strapi, trx, tableOf(strapi, CREDIT_UID), records.map((r, i) => rowOf(CREDIT_UID, {
    documentId: documentIds[i],
    category: r.category,
    hours: r.hours,
    date: r.date,
    schoolYear: r.schoolYear,
    source: r.source,
    status: r.status,
    decidedAt: r.status === 'approved' ? now : null,
    note: r.note,
    externalRef: r.externalRef,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
  })), columnOf(strapi, CREDIT_UID, 'documentId'));
  const auditIds = newDocumentIds(records.length);
  await insertRows(strapi, trx, tableOf(strapi, AUDIT_UID), records.map((r, i) => rowOf(AUDIT_UID, {
    documentId: auditIds[i],
    entityType: 'credit-record',
    entityDocumentId: documentIds[i],
    action,
    actorUsername: actor.username,
    at: now,
    before: null,
    after: JSON.stringify({ ...creditSnapshot({ documentId: documentIds[i], category: r.category, hours: r.hours, date: r.date, schoolYear: r.schoolYear, source: r.source, status: r.status, note: r.note, externalRef: r.externalRef }), ...r.context }),
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
  })));
  const link = async (attribute: string, other: (r: NewCreditRecord) => number | null) => {
    const table = joinTable(strapi, CREDIT_UID, attribute);
    const rows = records.flatMap((r, i) => {
      const value = other(r);
      return value === null ? [] : [{ [table.own]: ids[i], [table.other]: value }];
    });
    await insertRows(strapi, trx, table.name, rows);
  };
  await link('teacher', (r) => r.teacherId);
  await link('course', (r) => r.courseId);
  // An admin-panel importer has no content-API account (id 0) to link; the audit entries name them.
  await link('submittedBy', () => actor.id || null);
  await link('decidedBy', (r) => (r.status === 'approved' && actor.id ? actor.id : null));
  // Written past the lifecycles: tell the caches (here and on every instance) after commit.
  await changed(strapi, [CREDIT_UID, AUDIT_UID]);
  return documentIds;
}

/** Database-level uniqueness where concurrent requests could race past an application check. */
export async function ensureTrainingIndexes(strapi: Core.Strapi) {
  await ensureUniqueIndex(strapi, 'api::enrolment.enrolment', 'enrolmentKey', 'enrolments_enrolment_key_unique');
  await ensureUniqueIndex(strapi, CREDIT_UID, 'externalRef', 'credit_records_external_ref_unique');
  // Strapi checks `unique` attributes in the application only; serials and codes must never repeat.
  await ensureUniqueIndex(strapi, 'api::certificate.certificate', 'serialNumber', 'certificates_serial_number_unique');
  await ensureUniqueIndex(strapi, 'api::certificate.certificate', 'verificationCode', 'certificates_verification_code_unique');
  // A record is reversed at most once: one row in the reverses link per reversed record.
  const reverses = joinTable(strapi, CREDIT_UID, 'reverses');
  await strapi.db.connection.raw(`CREATE UNIQUE INDEX IF NOT EXISTS credit_records_reversed_once ON ?? (??)`, [reverses.name, reverses.other]);
  await ensureLedgerTriggers(strapi);
}

/**
 * The audit trail is append-only and decided credit records are immutable for every client, raw SQL
 * included: BEFORE UPDATE/DELETE triggers raise. Reversal adds a new row; nothing legitimate updates the
 * hours or status of an approved or rejected row, or deletes it.
 */
export async function ensureLedgerTriggers(strapi: Core.Strapi) {
  await ensureAppendOnly(strapi, tableOf(strapi, 'api::audit-event.audit-event'), 'audit_events is append-only');
  const column = (attribute: string) => columnOf(strapi, CREDIT_UID, attribute);
  await ensureFrozenRows(strapi, tableOf(strapi, CREDIT_UID), {
    name: 'decided',
    column: column('status'),
    values: ['approved', 'rejected'],
    columns: ['status', 'hours', 'category', 'date', 'schoolYear', 'source'].map(column),
    editMessage: 'a decided credit record is never edited; reverse it',
    deleteMessage: 'a decided credit record is never deleted; reverse it',
  });
}

/**
 * The course's planned/open/closed field was called `status`, which clashes with Strapi's draft/publish
 * `status` (the admin panel could not save it); it is now `courseStatus` (column course_status). Runs in
 * register, before Strapi's schema sync: Strapi drops a removed attribute's column at sync, so the values are
 * copied into the new column first (sync then keeps it, as it matches the schema).
 */
export async function migrateCourseStatus(strapi: Core.Strapi) {
  const knex = strapi.db.connection;
  // Register runs before the ORM's metadata exists (and the old column is in no metadata): the names are the
  // content type's collection and Strapi's snake_case of the attribute.
  const table = strapi.getModel('api::training-course.training-course').collectionName ?? 'training_courses';
  const column = 'course_status';
  if (!(await knex.schema.hasTable(table)) || !(await knex.schema.hasColumn(table, 'status'))) return;
  if (!(await knex.schema.hasColumn(table, column))) {
    await knex.schema.alterTable(table, (t) => t.string(column));
  }
  await knex(table).whereNull(column).update({ [column]: knex.ref('status') });
}
