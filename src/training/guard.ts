import type { Core, Modules } from '@strapi/strapi';
import { currentDecision } from '../shared/decision';
import { ConflictError, fieldError, forbidden } from '../shared/errors';
import { lockRows } from '../shared/sql';
import { normalizePositions } from '../platform/teacher-positions';
import { assertHours, assertSchoolYear, creditSnapshot, sameHours, schoolYearOf } from './ledger';
import { audit } from '../shared/audit';

/**
 * Document Service middleware for the training ledger. The domain services make their writes inside
 * `asDecision(...)`; every other writer — the admin panel's content manager, a core controller, a script —
 * is a plain client and gets the same rules as the REST API:
 * - audit events are append-only for everyone (database triggers back this for raw SQL);
 * - credit records are created pending, edited and deleted only while pending, never decided here;
 * - certificates and enrolments change only through their decisions;
 * - every course write passes the course rules, and enrolledCount is kept by enrolments.
 */

const CREDIT = 'api::credit-record.credit-record';
const AUDIT = 'api::audit-event.audit-event';
const CERTIFICATE = 'api::certificate.certificate';
const ENROLMENT = 'api::enrolment.enrolment';
const COURSE = 'api::training-course.training-course';

type Data = Record<string, unknown>;
/** The Document Service params a write carries (ids are documentIds; data is whatever the client sent). */
type WriteParams = { documentId?: string; data?: Data };
type Next = Parameters<Modules.Documents.Middleware.Middleware>[1];
const WRITES = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);

/** The decision fields of a credit record: only approve, reject and reverse set them. */
const DECISION_FIELDS = ['decidedBy', 'decidedAt', 'reverses', 'rejectionReason'];

/** A relation value that links nothing (the admin panel sends { connect: [], disconnect: [] } for untouched ones). */
function linksNothing(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const ops = value as Data;
    return ['connect', 'disconnect', 'set'].every((op) => {
      const links = ops[op];
      return links === undefined || (Array.isArray(links) && links.length === 0);
    });
  }
  return false;
}

/** Who is writing, for the audit trail: the admin or API user of the current request, if any. */
function requestActor(strapi: Core.Strapi): { username: string } {
  const user = strapi.requestContext.get()?.state?.user;
  if (user?.username) return { username: String(user.username) };
  if (user?.email) return { username: `admin:${user.email}` };
  return { username: 'system' };
}

/** Module hours add up to the course hours; dates are ordered and fall in the course's school year. */
export function checkCourse(course: Data) {
  course.audiencePositions = normalizePositions(course.audiencePositions);
  const hours = assertHours(course.creditHours, 'creditHours');
  const modules: ({ hours?: unknown } | null)[] = Array.isArray(course.modules) ? course.modules : [];
  modules.forEach((module, i) => assertHours(module?.hours, `modules.${i}.hours`));
  const total = Math.round(modules.reduce((sum, module) => sum + Number(module.hours), 0) * 10) / 10;
  if (!sameHours(total, hours)) throw fieldError('modules', `modules add up to ${total} hours but creditHours is ${hours}; they must be equal`);
  assertSchoolYear(course.schoolYear);
  if (String(course.endDate) < String(course.startDate)) throw fieldError('endDate', 'endDate is before startDate');
  const startDate = course.startDate as string;
  if (schoolYearOf(startDate) !== course.schoolYear) {
    throw fieldError('schoolYear', `startDate ${startDate} is in school year ${schoolYearOf(startDate)}, not ${course.schoolYear}`);
  }
}

async function guardCourse(strapi: Core.Strapi, action: string, params: WriteParams) {
  // A copy starts with no enrolments.
  if (action === 'clone') params.data = { ...(params.data ?? {}), enrolledCount: 0 };
  if (action !== 'create' && action !== 'update') return;
  const data: Data | undefined = params.data;
  if (!data) return;
  const stored = action === 'update' && params.documentId
    ? ((await strapi.documents(COURSE).findOne({ documentId: params.documentId, populate: ['modules'] })) as Data | null)
    : null;
  const enrolled = Number(stored?.enrolledCount ?? 0);
  // Seats are counted by enrolments (a conditional UPDATE), never set by a client.
  if (data.enrolledCount !== undefined && data.enrolledCount !== null && Number(data.enrolledCount) !== enrolled) {
    throw fieldError('enrolledCount', 'enrolledCount is kept by enrolments');
  }
  if (action === 'create') data.enrolledCount = 0;
  else delete data.enrolledCount;
  const merged = { ...(stored ?? {}), ...data };
  checkCourse(merged);
  if (data.audiencePositions !== undefined) data.audiencePositions = merged.audiencePositions;
  if (Number(merged.capacity) < enrolled) {
    throw fieldError('capacity', `capacity ${merged.capacity} is below the ${enrolled} teachers already enrolled`);
  }
}

/** Certificates and enrolments change only through issue/revoke and enrol/complete. */
async function guardStateOnly(strapi: Core.Strapi, uid: typeof CERTIFICATE | typeof ENROLMENT, action: string, params: WriteParams) {
  const what = uid === CERTIFICATE ? 'A certificate' : 'An enrolment';
  const how = uid === CERTIFICATE ? 'POST /api/certificates and /api/certificates/:id/revoke' : 'POST /api/training-courses/:id/enrol and /complete';
  if (action !== 'update') throw new ConflictError(`${what} cannot be ${action === 'create' ? 'created' : action === 'delete' ? 'deleted' : 'copied'} here; use ${how}`);
  const stored: Data | null = params.documentId ? await strapi.db.query(uid).findOne({ where: { documentId: params.documentId } }) : null;
  if (!stored) return;
  // The admin panel sends the whole form; unchanged values are fine, any change of state is not.
  const changed = Object.entries(params.data ?? {}).filter(([field, value]) => {
    const attribute = (strapi.getModel(uid).attributes as Record<string, { type: string }>)[field];
    if (!attribute || ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale'].includes(field)) return false;
    if (attribute.type === 'relation' || attribute.type === 'media') return !linksNothing(value);
    const before = stored[field];
    if (attribute.type === 'datetime' || attribute.type === 'date') {
      return (value == null ? null : new Date(value as string).getTime()) !== (before == null ? null : new Date(before as string).getTime());
    }
    if (attribute.type === 'json') return JSON.stringify(value ?? null) !== JSON.stringify(before ?? null);
    return (value ?? null) !== (before ?? null);
  });
  if (changed.length) throw new ConflictError(`${what} changes only through ${how}`, { fields: changed.map(([field]) => field) });
}

/** A plain client's write of a credit record: pending only, no decision fields; it is audited. */
async function guardCredit(strapi: Core.Strapi, action: string, params: WriteParams, next: Next) {
  if (action === 'create') {
    const data: Data = params.data ?? {};
    if (data.status !== undefined && data.status !== 'pending') throw fieldError('status', 'a credit record is created pending; approve or reject it through its decision');
    const decided = DECISION_FIELDS.find((field) => field === 'decidedAt' || field === 'rejectionReason' ? data[field] != null && data[field] !== '' : !linksNothing(data[field]));
    if (decided) throw fieldError(decided, `${decided} is set only by a decision`);
    if (['reversal', 'course_completion'].includes(data.source as string)) throw fieldError('source', `source ${data.source} is set only by a decision`);
    data.status = 'pending';
    return strapi.db.transaction(async () => {
      const created = await next();
      // A create's result is the one document it wrote.
      const record = created as { documentId: string } & Data;
      await audit(strapi, { entityType: 'credit-record', entityDocumentId: record.documentId, action: 'create', actor: requestActor(strapi), after: creditSnapshot(record) });
      return created;
    });
  }
  if (action !== 'update' && action !== 'delete') throw new ConflictError(`A credit record cannot be copied or published (${action}); enter a new record`);
  return strapi.db.transaction(async ({ trx }) => {
    // Lock first: an approval in flight finishes before this write reads the status.
    await lockRows(strapi, trx, CREDIT, 'document_id', [params.documentId]);
    const stored: { documentId: string; status: string; source: string } | null = await strapi.db.query(CREDIT).findOne({ where: { documentId: params.documentId } });
    if (!stored) return next();
    if (stored.status !== 'pending') {
      throw new ConflictError(
        `An ${stored.status} record is never ${action === 'delete' ? 'deleted' : 'edited'}; ${stored.status === 'approved' ? 'reverse it and enter the correct hours' : 'enter a new record'}`,
        { status: stored.status }
      );
    }
    if (action === 'delete') {
      const result = await next();
      await audit(strapi, { entityType: 'credit-record', entityDocumentId: stored.documentId, action: 'delete', actor: requestActor(strapi), before: creditSnapshot(stored) });
      return result;
    }
    const data: Data = params.data ?? {};
    if (data.status !== undefined && data.status !== 'pending') throw fieldError('status', 'status changes only by approving or rejecting the record');
    const decided = DECISION_FIELDS.find((field) => field === 'decidedAt' || field === 'rejectionReason' ? data[field] != null && data[field] !== '' : !linksNothing(data[field]));
    if (decided) throw fieldError(decided, `${decided} is set only by a decision`);
    if (data.source !== undefined && data.source !== stored.source) throw fieldError('source', 'source is not edited');
    if (data.hours !== undefined) assertHours(data.hours);
    const updated = await next();
    await audit(strapi, { entityType: 'credit-record', entityDocumentId: stored.documentId, action: 'edit', actor: requestActor(strapi), before: creditSnapshot(stored), after: creditSnapshot(updated as Data) });
    return updated;
  });
}

export const trainingGuardMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  const { uid, action } = context as { uid: string; action: string };
  if (!WRITES.has(action)) return next();
  const params = context.params as WriteParams;
  if (uid === AUDIT) {
    // Append-only for everyone: entries come from the domain's decisions, and nobody rewrites them.
    if (action !== 'create') throw forbidden('The audit trail is append-only: audit events are never changed or deleted');
    if (!currentDecision()) throw forbidden('Audit events are written by the platform only');
    return next();
  }
  if (uid === COURSE) {
    if (action !== 'update') {
      await guardCourse(strapi, action, params);
      return next();
    }
    // Lock the course row before reading enrolledCount: a concurrent enrolment (a conditional UPDATE of the
    // same row) then waits and re-checks against the new capacity.
    return strapi.db.transaction(async ({ trx }) => {
      await lockRows(strapi, trx, COURSE, 'document_id', [params.documentId]);
      await guardCourse(strapi, action, params);
      return next();
    });
  }
  if (currentDecision()) return next();
  if (uid === CREDIT) return guardCredit(strapi, action, params, next);
  if (uid === CERTIFICATE || uid === ENROLMENT) {
    await guardStateOnly(strapi, uid, action, params);
    return next();
  }
  return next();
};
