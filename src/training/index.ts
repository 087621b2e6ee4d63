import type { Core } from '@strapi/strapi';
import { fieldError } from '../domain-errors';

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

/** Positive hours with at most one decimal, up to the sane maximum. */
export function assertHours(value: unknown, field = 'hours'): number {
  const hours = typeof value === 'string' ? Number(value) : value;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0) throw fieldError(field, `${field} must be a positive number`);
  if (Math.abs(Math.round(hours * 10) - hours * 10) > 1e-9) throw fieldError(field, `${field} has at most one decimal (e.g. 2.5)`);
  if (hours > MAX_HOURS_PER_RECORD) throw fieldError(field, `${field} is at most ${MAX_HOURS_PER_RECORD} in one record`);
  return roundHours(hours);
}

export const sameHours = (a: number, b: number) => Math.round(a * 10) === Math.round(b * 10);

export interface AuditEntry {
  entityType: string;
  entityDocumentId: string;
  action: string;
  actor?: { username?: string } | null;
  before?: unknown;
  after?: unknown;
}

/** Appends to the audit trail inside the caller's transaction; there is no route that edits or deletes it. */
export async function audit(strapi: Core.Strapi, entry: AuditEntry) {
  await strapi.documents('api::audit-event.audit-event' as any).create({
    data: {
      entityType: entry.entityType,
      entityDocumentId: entry.entityDocumentId,
      action: entry.action,
      actorUsername: entry.actor?.username ?? 'system',
      at: new Date(),
      before: entry.before ?? null,
      after: entry.after ?? null,
    },
  });
}

/** The fields of a credit record worth keeping in its audit trail. */
export function creditSnapshot(record: Record<string, any> | null) {
  if (!record) return null;
  const { documentId, category, hours, date, schoolYear, source, status, note, rejectionReason, externalRef } = record;
  return { documentId, category, hours: hours == null ? null : Number(hours), date, schoolYear, source, status, note, rejectionReason, externalRef };
}

/** Database-level uniqueness where concurrent requests could race past an application check. */
export async function ensureTrainingIndexes(strapi: Core.Strapi) {
  const knex = strapi.db.connection;
  await knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS enrolments_enrolment_key_unique ON enrolments (enrolment_key)');
  await knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS credit_records_external_ref_unique ON credit_records (external_ref)');
}
