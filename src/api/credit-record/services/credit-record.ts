import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ConflictError, forbidden } from '../../../shared/errors';
import { accountOf, isCoordinator, isResearcher, scopeOf, type Actor, type CallerProfile } from '../../../platform/actor';
import { schoolInScope, teacherFilter, teachersOutside } from '../../../platform/scope';
import { normalizeEnumSet } from '../../../shared/enum-set';
import { fieldError } from '../../../shared/errors';
import { CREDIT_CATEGORIES, assertHours, creditSnapshot, schoolYearOf } from '../../../training/ledger';
import { audit } from '../../../shared/audit';
import { asDecision } from '../../../shared/decision';
import { isUniqueViolation, lockRows } from '../../../shared/sql';
import { removePrivateFile, storeEvidence } from '../../../training/evidence';
import type { UploadedFile } from '../../../shared/multipart';

const CREDIT_UID = 'api::credit-record.credit-record';
type Input = Record<string, unknown>;
type CreditData = Modules.Documents.Params.Data.Input<typeof CREDIT_UID>;
/** The signed-in account (users-permissions) acting. */
/** The signed-in account behind an actor: what links (submittedBy, decidedBy) and the audit trail record. */
type Account = NonNullable<Actor['account']>;
/** A credit record as `load` reads it (query engine row with its teacher's account, submitter and original). */
interface CreditRow {
  id: number;
  documentId: string;
  category: CreditData['category'];
  hours: number | string;
  date: string;
  schoolYear: string;
  source: string;
  status: string;
  note: string | null;
  rejectionReason: string | null;
  externalRef: string | null;
  teacher: { id: number; user?: { id: number } | null; school?: { documentId: string; district: string } | null } | null;
  submittedBy: { id: number } | null;
  reverses: { id: number; documentId: string } | null;
}

const OUTPUT_POPULATE: Modules.Documents.Params.Populate.ObjectNotation<typeof CREDIT_UID> = {
  teacher: { fields: ['name', 'staffNumber'] },
  course: { fields: ['title', 'code'] },
  reverses: { fields: ['documentId', 'hours', 'status'] },
  // A private file: the controller adds `url`, the authorised download route (src/training/evidence).
  evidence: { fields: ['name', 'mime', 'size'] },
};

/** The writable fields of a manual record, validated; hours positive with one decimal; school year derived. */
function manualInput(input: Input) {
  const unknown = Object.keys(input).find((key) => !['teacher', 'category', 'hours', 'date', 'note', 'course'].includes(key));
  if (unknown) throw fieldError(unknown, `${unknown} cannot be set on a credit record`);
  const [category] = normalizeEnumSet('category', CREDIT_CATEGORIES, [input.category]);
  if (typeof input.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.date)) throw fieldError('date', 'date must be YYYY-MM-DD');
  const schoolYear = schoolYearOf(input.date);
  if (input.date > new Date().toISOString().slice(0, 10)) throw fieldError('date', 'date is in the future');
  if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > 2000)) throw fieldError('note', 'note is text of at most 2000 characters');
  return { category, hours: assertHours(input.hours), date: input.date, schoolYear, note: (input.note as string | undefined) ?? null, course: (input.course ?? null) as CreditData['course'] | null };
}

export default factories.createCoreService(CREDIT_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  async load(documentId: string): Promise<CreditRow | null> {
    return strapi.db.query(CREDIT_UID).findOne({
      where: { documentId },
      populate: { teacher: { populate: { user: { select: ['id'] }, school: { select: ['documentId', 'district'] } } }, submittedBy: { select: ['id'] }, reverses: true },
    });
  },

  output(documentId: string) {
    return strapi.documents(CREDIT_UID).findOne({ documentId, populate: OUTPUT_POPULATE });
  },

  /**
   * Teachers add their own external hours with evidence (a PDF or image), pending; coordinators may add hours
   * for any teacher, pending, with or without evidence.
   */
  async submit(actor: Actor, input: Input, evidenceFile?: UploadedFile) {
    const profile = actor;
    const user = accountOf(actor);
    const byCoordinator = isCoordinator(profile);
    if (!byCoordinator && input.teacher !== undefined) throw fieldError('teacher', 'teachers record hours for themselves only');
    if (byCoordinator && typeof input.teacher !== 'string') throw fieldError('teacher', 'teacher (a documentId) is required');
    if (!byCoordinator && !evidenceFile) throw fieldError('evidence', 'evidence is required: attach a PDF or image as the multipart field "evidence"');
    const teacherId = byCoordinator ? (input.teacher as string) : profile.teacher!.documentId;
    // A teacher outside the coordinator's scope is as unknown as one that does not exist.
    if (byCoordinator && (await teachersOutside(strapi, scopeOf(profile), [teacherId])).length) throw fieldError('teacher', `teacher ${teacherId} not found`);
    const values = manualInput(input);
    const evidence = evidenceFile ? await storeEvidence(strapi, evidenceFile, teacherId) : null;
    try {
      return await this.createManual(user, teacherId, { ...values, ...(evidence ? { evidence: evidence.id } : {}) });
    } catch (error) {
      if (evidence) await removePrivateFile(strapi, evidence);
      throw error;
    }
  },

  async createManual(user: Account, teacherId: string, values: ReturnType<typeof manualInput> & { evidence?: number }) {
    return asDecision('submit', () => strapi.db.transaction(async () => {
      const teacher = await strapi.documents('api::teacher.teacher').findOne({ documentId: teacherId });
      if (!teacher) throw fieldError('teacher', `teacher ${teacherId} not found`);
      const record = await strapi.documents(CREDIT_UID).create({
        data: { ...values, teacher: teacherId, source: 'manual', status: 'pending', submittedBy: user.documentId },
      });
      await audit(strapi, { entityType: 'credit-record', entityDocumentId: record.documentId, action: 'create', actor: user, after: creditSnapshot(record) });
      return this.output(record.documentId);
    }));
  },

  /** Pending records may be corrected by whoever submitted them; approved hours are never edited in place. */
  async edit(actor: Actor, documentId: string, input: Input) {
    const user = accountOf(actor);
    return asDecision('edit', () => strapi.db.transaction(async ({ trx }) => {
      // Lock first: an approval in flight finishes before this edit reads the status.
      await lockRows(strapi, trx, CREDIT_UID, 'document_id', [documentId]);
      const record = await this.load(documentId);
      if (!record || record.submittedBy?.id !== user.id) return null;
      if (record.status !== 'pending') {
        throw new ConflictError(`An ${record.status} record is never edited; ${record.status === 'approved' ? 'reverse it and enter the correct hours' : 'enter a new record'}`);
      }
      const values = manualInput({ ...input });
      const { course: _course, ...changes } = values;
      const updated = await strapi.documents(CREDIT_UID).update({ documentId, data: changes });
      await audit(strapi, { entityType: 'credit-record', entityDocumentId: documentId, action: 'edit', actor: user, before: creditSnapshot(record), after: creditSnapshot(updated) });
      return this.output(documentId);
    }));
  },

  /** Approve or reject pending records, all or nothing; nobody decides on their own hours or their own entries. */
  async decide(actor: Actor, documentIds: unknown, decision: 'approved' | 'rejected', reason?: unknown) {
    const user = accountOf(actor);
    if (!Array.isArray(documentIds) || documentIds.length === 0 || documentIds.length > 1000 || documentIds.some((id) => typeof id !== 'string')) {
      throw fieldError('records', 'records must be an array of 1 to 1000 credit-record documentIds');
    }
    if (decision === 'rejected' && (typeof reason !== 'string' || !reason.trim())) throw fieldError('reason', 'a rejection needs a reason');
    // The same record twice in one request is decided once.
    const ids = [...new Set(documentIds as string[])];
    return asDecision(decision === 'approved' ? 'approve' : 'reject', () => strapi.db.transaction(async ({ trx }) => {
      // Lock first (in id order, so overlapping bulk decisions cannot deadlock), then read the committed state:
      // a concurrent decision on the same records has finished, and this one sees they are no longer pending.
      await lockRows(strapi, trx, CREDIT_UID, 'document_id', ids);
      const records: CreditRow[] = [];
      for (const id of ids) records.push(await this.load(id));
      // Records of teachers outside the decider's scope are as missing as records that do not exist.
      const scope = scopeOf(actor);
      const missing = ids.filter((_, i) => !records[i] || !schoolInScope(scope, records[i].teacher?.school));
      if (missing.length) throw new errors.NotFoundError(`Credit records not found: ${missing.join(', ')}`);
      const own = records.filter((r) => r.teacher?.user?.id === user.id || r.submittedBy?.id === user.id);
      if (own.length) throw forbidden(`Nobody approves their own record: ${own.map((r) => r.documentId).join(', ')}`);
      const notPending = records.filter((r) => r.status !== 'pending');
      if (notPending.length) throw new ConflictError(`Only pending records can be decided: ${notPending.map((r) => `${r.documentId} is ${r.status}`).join(', ')}`);
      for (const record of records) {
        // An admin-panel decider has no content-API account to link; the audit entry names them.
        const data = { status: decision, decidedBy: user.documentId || null, decidedAt: new Date(), ...(decision === 'rejected' ? { rejectionReason: String(reason).trim() } : {}) };
        const updated = await strapi.documents(CREDIT_UID).update({ documentId: record.documentId, data });
        await audit(strapi, { entityType: 'credit-record', entityDocumentId: record.documentId, action: decision === 'approved' ? 'approve' : 'reject', actor: user, before: creditSnapshot(record), after: creditSnapshot(updated) });
      }
      const decided = [];
      for (const id of ids) decided.push(await this.output(id));
      return decided;
    }));
  },

  /** A correction of approved hours: a new, approved record with the opposite hours that points at the original. */
  async reverse(actor: Actor, documentId: string, reason: unknown) {
    const user = accountOf(actor);
    if (typeof reason !== 'string' || !reason.trim()) throw fieldError('reason', 'a reversal needs a reason');
    return asDecision('reverse', () => strapi.db.transaction(async ({ trx }) => {
      // Lock the original first: a concurrent reversal waits, then finds this one's reversal.
      await lockRows(strapi, trx, CREDIT_UID, 'document_id', [documentId]);
      const record = await this.load(documentId);
      if (!record || !schoolInScope(scopeOf(actor), record.teacher?.school)) throw new errors.NotFoundError('Credit record not found');
      if (record.teacher?.user?.id === user.id) throw forbidden('Nobody corrects their own hours');
      if (record.status !== 'approved' || record.source === 'reversal') throw new ConflictError('Only approved, non-reversal records can be reversed');
      const already: { documentId: string } | null = await strapi.db.query(CREDIT_UID).findOne({ where: { reverses: { id: record.id } } });
      if (already) throw new ConflictError('This record is already reversed', { reversal: already.documentId });
      const reversal = await strapi.documents(CREDIT_UID).create({
        data: {
          teacher: (await strapi.db.query('api::teacher.teacher').findOne({ where: { id: record.teacher.id } })).documentId,
          category: record.category,
          hours: -Number(record.hours),
          date: new Date().toISOString().slice(0, 10),
          schoolYear: record.schoolYear,
          source: 'reversal',
          status: 'approved',
          note: String(reason).trim(),
          reverses: record.documentId,
          submittedBy: user.documentId,
          decidedBy: user.documentId,
          decidedAt: new Date(),
        },
      });
      await audit(strapi, { entityType: 'credit-record', entityDocumentId: record.documentId, action: 'reverse', actor: user, before: creditSnapshot(record), after: { reversal: reversal.documentId, reason: String(reason).trim() } });
      await audit(strapi, { entityType: 'credit-record', entityDocumentId: reversal.documentId, action: 'create', actor: user, after: creditSnapshot(reversal) });
      return this.output(reversal.documentId);
    })).catch((error) => {
      // The unique index on the reverses link is the last word: a second reversal of the same record.
      if (isUniqueViolation(error)) throw new ConflictError('This record is already reversed');
      throw error;
    });
  },

  /** Teachers see their own records; coordinators and researchers those of the teachers in their scope. */
  async listFor(profile: CallerProfile, query: Input) {
    const staffScope = isCoordinator(profile) || isResearcher(profile) ? teacherFilter(scopeOf(profile)) : null;
    const scope = staffScope ? (Object.keys(staffScope).length ? { teacher: staffScope } : {}) : { teacher: { documentId: { $eq: profile.teacher?.documentId ?? '' } } };
    const filters = query.filters ? { $and: [query.filters, scope] } : scope;
    return strapi.service(CREDIT_UID).find({ ...query, filters, populate: OUTPUT_POPULATE });
  },
}));
