import type { Core, Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldError } from '../shared/errors';
import { cached, readCache } from '../shared/read-cache';

/*
 * Staff work in levels, as bureaus do: the city (everything), one district (the schools of that district) or
 * one school. A scope is a `staff-scope` row for a REST account (coordinator, researcher) or an admin-panel
 * user. Everything a scoped member of staff lists, reads or decides about a teacher — the teacher, their
 * credit records, certificates, enrolments, transcript, the compliance report — is limited to it, through the
 * REST services (the actor carries the scope) and through admin RBAC conditions (src/platform/admin-roles.ts).
 * Outside the scope a teacher's things answer 404, as if they did not exist.
 */
export type Scope =
  | { level: 'city' }
  | { level: 'district'; district: string }
  | { level: 'school'; district: string; schoolId: number; schoolDocumentId: string; schoolCode: string };

export const SCOPE_UID = 'api::staff-scope.staff-scope';
const SCHOOL_UID = 'api::school.school';
const TEACHER_UID = 'api::teacher.teacher';

interface ScopeRow {
  level: 'city' | 'district' | 'school';
  district: string | null;
  school: { id: number; documentId: string; code: string; district: string } | null;
}

function toScope(row: ScopeRow | null): Scope | null {
  if (!row) return null;
  if (row.level === 'city') return { level: 'city' };
  if (row.level === 'district' && row.district) return { level: 'district', district: row.district };
  if (row.level === 'school' && row.school) return { level: 'school', district: row.school.district, schoolId: row.school.id, schoolDocumentId: row.school.documentId, schoolCode: row.school.code };
  return null;
}

const POPULATE = { school: { select: ['id', 'documentId', 'code', 'district'] } };

/** The scope of a REST account, or null when none is assigned. */
export async function scopeOfAccount(strapi: Core.Strapi, accountId: number): Promise<Scope | null> {
  const row = await strapi.db.query(SCOPE_UID).findOne({ where: { account: { id: accountId } }, populate: POPULATE });
  return toScope(row as ScopeRow | null);
}

/** The scope of an admin-panel user (cached until any scope or school changes, on every instance). */
export async function scopeOfAdmin(strapi: Core.Strapi, adminUserId: number): Promise<Scope | null> {
  const cache = readCache<{ scope: Scope | null }>(strapi, 'admin-scopes', [SCOPE_UID, SCHOOL_UID]);
  const { scope } = await cached(cache, String(adminUserId), async () => {
    const row = await strapi.db.query(SCOPE_UID).findOne({ where: { adminUserId }, populate: POPULATE });
    return { scope: toScope(row as ScopeRow | null) };
  });
  return scope;
}

/** A Document Service filter on schools for a scope. */
export function schoolFilter(scope: Scope): Record<string, unknown> {
  if (scope.level === 'city') return {};
  if (scope.level === 'district') return { district: { $eq: scope.district } };
  return { documentId: { $eq: scope.schoolDocumentId } };
}

/** Whether a school (its district and documentId) lies within the scope. */
export function schoolInScope(scope: Scope, school: { district?: string | null; documentId?: string | null } | null | undefined): boolean {
  if (scope.level === 'city') return true;
  if (!school) return false;
  if (scope.level === 'district') return school.district === scope.district;
  return school.documentId === scope.schoolDocumentId;
}

/** A filter on teachers for a scope ({} for the city): their school's. Document Service and db.query read it alike. */
export function teacherFilter(scope: Scope): Record<string, unknown> {
  return scope.level === 'city' ? {} : { school: schoolFilter(scope) };
}

/** Teachers of these documentIds outside the scope (or unknown). */
export async function teachersOutside(strapi: Core.Strapi, scope: Scope, teacherDocumentIds: string[]): Promise<string[]> {
  if (teacherDocumentIds.length === 0) return [];
  const unique = [...new Set(teacherDocumentIds)];
  const inside = await strapi.db.query(TEACHER_UID).findMany({
    where: scope.level === 'city' ? { documentId: { $in: unique } } : { $and: [{ documentId: { $in: unique } }, teacherFilter(scope)] },
    select: ['documentId'],
  });
  const found = new Set(inside.map((t: { documentId: string }) => t.documentId));
  return unique.filter((id) => !found.has(id));
}

/** Refuses (404, as if it did not exist) a teacher outside the scope. */
export async function assertTeacherInScope(strapi: Core.Strapi, scope: Scope, teacherDocumentId: string, what = 'Teacher') {
  if (scope.level === 'city') return;
  if ((await teachersOutside(strapi, scope, [teacherDocumentId])).length > 0) throw new errors.NotFoundError(`${what} not found`);
}

/** The rules of a scope row, whatever the client (admin panel, imports): each level carries what it needs, and one row per person. */
export const staffScopeMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  if (context.uid !== SCOPE_UID || !['create', 'update'].includes(context.action)) return next();
  const params = context.params as { documentId?: string; data?: Record<string, unknown> };
  const data = params.data ?? {};
  const stored = context.action === 'update' && params.documentId
    ? ((await strapi.db.query(SCOPE_UID).findOne({ where: { documentId: params.documentId }, populate: { school: { select: ['id'] }, account: { select: ['id'] } } })) as Record<string, unknown> | null)
    : null;
  const value = (key: string) => (key in data ? data[key] : stored?.[key]);
  const present = (v: unknown) => v !== null && v !== undefined && v !== '' && !(typeof v === 'object' && v !== null && 'disconnect' in v && !('connect' in v));
  const level = value('level');
  if (level === 'district' && (typeof value('district') !== 'string' || !String(value('district')).trim())) throw fieldError('district', 'a district scope names its district');
  if (level === 'school' && !present(value('school'))) throw fieldError('school', 'a school scope names its school');
  if (present(value('account')) === present(value('adminUserId'))) throw fieldError('account', 'a scope belongs to exactly one person: a REST account or an admin-panel user (adminUserId)');
  return next();
};
