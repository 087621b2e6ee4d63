import { accountOf, isCoordinator, scopeOf, type Actor } from '../../../platform/actor';
import { schoolInScope, teacherFilter, teachersOutside } from '../../../platform/scope';
import { randomBytes } from 'crypto';
import { factories, type Core, type Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import rulesFile from '../../../../database/reference/certificate-rules.json';
import { ConflictError, fieldError, forbidden } from '../../../shared/errors';
import { assertSchoolYear, roundHours } from '../../../training/ledger';
import { audit } from '../../../shared/audit';
import { isUniqueViolation, joinTable, lockName, lockRows, tableOf } from '../../../shared/sql';
import { asDecision } from '../../../shared/decision';
import type { CertificateForPdf } from '../../../training/certificate-pdf';
import type transcriptService from '../../transcript/services/transcript';

const CERT_UID = 'api::certificate.certificate';
type Tier = Modules.Documents.Params.Data.Input<typeof CERT_UID>['tier'];
type TranscriptService = ReturnType<typeof transcriptService>;
/** The signed-in account (users-permissions) acting. */
/** A tier's rule in database/reference/certificate-rules.json (its tiers are the schema's A, B and C). */
interface CertificateRule { tier: Tier; minApprovedHours: number; requiredCourseTiers: string[]; source: string }
const RULES = rulesFile.rules as CertificateRule[];
/** A completed course as the eligibility query reads it (credit_hours is a decimal: text on PostgreSQL). */
interface CompletedCourse { code: string; title: string; tier: string; hours: number | string }
/** A certificate with its holder and school, as its holder and coordinators read it. */
export interface ReadableCertificate extends CertificateForPdf {
  documentId: string;
  teacher: CertificateForPdf['teacher'] & { documentId: string };
}
/** The row public verification reads. */
interface VerifiedRow {
  status: string;
  tier: string;
  issuedAt: string | Date;
  snapshot: { approvedHours?: number } | null;
  teacher: { name?: string; school?: { name?: string } | null } | null;
}

// Crockford base32 without look-alikes; 20 characters ≈ 100 bits, not guessable.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function newVerificationCode(): string {
  return [...randomBytes(20)].map((byte) => CODE_ALPHABET[byte % 32]).join('');
}

/** 张三明 → 张*明, 李华 → 李*, 欧阳娜娜 → 欧**娜: enough to recognise, not to identify. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export default factories.createCoreService(CERT_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  /** What the teacher has and what the tier needs; `missing` lists every unmet condition. */
  async eligibility(teacherDocumentId: string, tier: string, schoolYear: string) {
    const rule = RULES.find((r) => r.tier === tier);
    if (!rule) throw fieldError('tier', 'tier must be A, B or C');
    const transcript = await (strapi.service('api::transcript.transcript') as TranscriptService).forTeacher(teacherDocumentId, schoolYear);
    const enrolmentCourse = joinTable(strapi, 'api::enrolment.enrolment', 'course');
    const enrolmentTeacher = joinTable(strapi, 'api::enrolment.enrolment', 'teacher');
    const teacher: { id: number } | null = await strapi.db.query('api::teacher.teacher').findOne({ where: { documentId: teacherDocumentId } });
    const completed: CompletedCourse[] = await strapi.db
      .connection({ e: tableOf(strapi, 'api::enrolment.enrolment') })
      .join({ et: enrolmentTeacher.name }, `et.${enrolmentTeacher.own}`, 'e.id')
      .join({ ec: enrolmentCourse.name }, `ec.${enrolmentCourse.own}`, 'e.id')
      .join({ c: tableOf(strapi, 'api::training-course.training-course') }, 'c.id', `ec.${enrolmentCourse.other}`)
      .where(`et.${enrolmentTeacher.other}`, teacher.id)
      .where('e.status', 'completed')
      .where('c.school_year', transcript.schoolYear)
      .select({ code: 'c.code', title: 'c.title', tier: 'c.tier', hours: 'c.credit_hours' });
    const missing: Record<string, unknown>[] = [];
    if (transcript.approvedHours < rule.minApprovedHours) {
      missing.push({ kind: 'hours', required: rule.minApprovedHours, approved: transcript.approvedHours, needed: roundHours(rule.minApprovedHours - transcript.approvedHours) });
    }
    if (rule.requiredCourseTiers.length && !completed.some((c) => rule.requiredCourseTiers.includes(c.tier))) {
      missing.push({ kind: 'course', anyOfTiers: rule.requiredCourseTiers, message: `a completed ${rule.requiredCourseTiers.join(' or ')}-tier course in ${transcript.schoolYear}` });
    }
    return { rule, transcript, completed: completed.map((c) => ({ ...c, hours: Number(c.hours) })), missing };
  },

  /** Coordinators issue to eligible teachers only; the certificate keeps a snapshot of the hours and courses. */
  async issue(actor: Actor, input: Record<string, unknown>) {
    const user = accountOf(actor);
    if (typeof input.teacher !== 'string') throw fieldError('teacher', 'teacher (a documentId) is required');
    const schoolYear = assertSchoolYear(input.schoolYear);
    const teacher: { id: number; documentId: string; name: string; user?: { id: number } | null } | null = await strapi.db
      .query('api::teacher.teacher')
      .findOne({ where: { documentId: input.teacher }, populate: { user: { select: ['id'] } } });
    // A teacher outside the coordinator's scope is as unknown as one that does not exist.
    if (!teacher || (await teachersOutside(strapi, scopeOf(actor), [teacher.documentId])).length) throw fieldError('teacher', `teacher ${input.teacher} not found`);
    if (teacher.user?.id === user.id) throw forbidden('Nobody issues their own certificate');
    // Aggregate reads run before the write transaction (SQLite has a single connection).
    const { rule, transcript, completed, missing } = await this.eligibility(teacher.documentId, String(input.tier), schoolYear);
    if (missing.length) throw new ConflictError(`${teacher.name} is not yet eligible for the ${rule.tier} certificate`, { missing });
    const prefix = `XY-${schoolYear.slice(0, 4)}-${rule.tier}-`;
    return asDecision('issue', () => strapi.db.transaction(async ({ trx }) => {
      // Lock first, then read: one decision per teacher, tier and year; one serial counter per tier and year.
      await lockName(strapi, trx, `certificate:${teacher.documentId}:${rule.tier}:${schoolYear}`);
      await lockName(strapi, trx, `certificate-serial:${prefix}`);
      const existing: { documentId: string } | null = await strapi.db.query(CERT_UID).findOne({ where: { teacher: { id: teacher.id }, tier: rule.tier, schoolYear, status: 'valid' } });
      if (existing) throw new ConflictError(`${teacher.name} already holds a valid ${rule.tier} certificate for ${schoolYear}`, { certificate: existing.documentId });
      // The highest serial so far + 1 (zero-padded, so the text maximum is the numeric one); a count would
      // repeat a serial once any certificate is removed. The unique index on serial_number backs it.
      const [{ last }] = await trx(tableOf(strapi, CERT_UID)).where('serial_number', 'like', `${prefix}%`).max({ last: 'serial_number' });
      const sequence = (last ? Number(String(last).slice(prefix.length)) : 0) + 1;
      const certificate = await strapi.documents(CERT_UID).create({
        data: {
          teacher: teacher.documentId,
          tier: rule.tier,
          schoolYear,
          serialNumber: `${prefix}${String(sequence).padStart(6, '0')}`,
          verificationCode: newVerificationCode(),
          issuedAt: new Date(),
          // An admin-panel coordinator has no content-API account to link; the audit entry names them.
          issuedBy: user.documentId || null,
          snapshot: { approvedHours: transcript.approvedHours, byCategory: transcript.byCategory, courses: completed, rule: { minApprovedHours: rule.minApprovedHours, requiredCourseTiers: rule.requiredCourseTiers, source: rule.source } },
          status: 'valid',
        },
        populate: { teacher: { fields: ['name', 'staffNumber'], populate: { school: { fields: ['name'] } } } },
      });
      await audit(strapi, { entityType: 'certificate', entityDocumentId: certificate.documentId, action: 'issue', actor: user, after: { serialNumber: certificate.serialNumber, tier: rule.tier, schoolYear } });
      return certificate;
    })).catch((error) => {
      if (isUniqueViolation(error)) throw new ConflictError('A concurrent issue took this serial number; try again');
      throw error;
    });
  },

  async revoke(actor: Actor, documentId: string, reason: unknown) {
    const user = accountOf(actor);
    if (typeof reason !== 'string' || !reason.trim()) throw fieldError('reason', 'a revocation needs a reason');
    return asDecision('revoke', () => strapi.db.transaction(async ({ trx }) => {
      // Lock first: a concurrent revocation waits, then reads `revoked`.
      await lockRows(strapi, trx, CERT_UID, 'document_id', [documentId]);
      const certificate: { status: string; teacher?: { school?: { documentId: string; district: string } | null } | null } | null = await strapi.db
        .query(CERT_UID)
        .findOne({ where: { documentId }, populate: { teacher: { select: ['id'], populate: { school: { select: ['documentId', 'district'] } } } } });
      if (!certificate || !schoolInScope(scopeOf(actor), certificate.teacher?.school)) throw new errors.NotFoundError('Certificate not found');
      if (certificate.status === 'revoked') throw new ConflictError('The certificate is already revoked');
      const updated = await strapi.documents(CERT_UID).update({ documentId, data: { status: 'revoked', revokedAt: new Date(), revocationReason: reason.trim() } });
      await audit(strapi, { entityType: 'certificate', entityDocumentId: documentId, action: 'revoke', actor: user, before: { status: 'valid' }, after: { status: 'revoked', reason: reason.trim() } });
      return updated;
    }));
  },

  /** A coordinator's list: certificates of the teachers in their scope, newest first (filters: status, tier, schoolYear). */
  async listFor(actor: Actor, options: { status?: string; tier?: string; schoolYear?: string; page: number; pageSize: number }) {
    const inScope = teacherFilter(scopeOf(actor));
    const filters = {
      ...(Object.keys(inScope).length ? { teacher: inScope } : {}),
      ...(options.status ? { status: { $eq: options.status } } : {}),
      ...(options.tier ? { tier: { $eq: options.tier } } : {}),
      ...(options.schoolYear ? { schoolYear: { $eq: options.schoolYear } } : {}),
    } as Modules.Documents.Params.Filters.Any<typeof CERT_UID>;
    const [results, total] = await Promise.all([
      strapi.documents(CERT_UID).findMany({
        filters,
        sort: [{ issuedAt: 'desc' }, { id: 'desc' }],
        fields: ['tier', 'schoolYear', 'serialNumber', 'issuedAt', 'status', 'revokedAt', 'revocationReason'],
        populate: { teacher: { fields: ['name', 'staffNumber'], populate: { school: { fields: ['name'] } } } },
        start: (options.page - 1) * options.pageSize,
        limit: options.pageSize,
      }),
      strapi.documents(CERT_UID).count({ filters }),
    ]);
    return { results, pagination: { page: options.page, pageSize: options.pageSize, pageCount: Math.ceil(total / options.pageSize), total } };
  },

  /** Full certificate for its holder or a coordinator; others get null (404). */
  async readable(profile: Actor, documentId: string): Promise<ReadableCertificate | null> {
    // The snapshot is JSON to Strapi; issue() writes it in CertificateForPdf's shape.
    const certificate = (await strapi.documents(CERT_UID).findOne({
      documentId,
      populate: { teacher: { fields: ['name', 'staffNumber'], populate: { school: { fields: ['name', 'district'] } } } },
    })) as unknown as ReadableCertificate | null;
    if (!certificate) return null;
    if (isCoordinator(profile) && schoolInScope(scopeOf(profile), certificate.teacher?.school as { documentId?: string; district?: string } | null | undefined)) return certificate;
    if (certificate.teacher?.documentId === profile.teacher?.documentId) return certificate;
    return null;
  },

  /** Public verification: valid or revoked, tier, masked holder, school, issue date and hours — nothing else. */
  async verify(code: string) {
    if (!/^[0-9A-Z]{20}$/.test(code)) return null;
    const certificate: VerifiedRow | null = await strapi.db.query(CERT_UID).findOne({
      where: { verificationCode: code },
      populate: { teacher: { select: ['name'], populate: { school: { select: ['name'] } } } },
    });
    if (!certificate) return null;
    return {
      status: certificate.status,
      valid: certificate.status === 'valid',
      tier: certificate.tier,
      holder: maskName(certificate.teacher?.name ?? ''),
      school: certificate.teacher?.school?.name ?? null,
      issuedAt: certificate.issuedAt,
      approvedHours: certificate.snapshot?.approvedHours ?? null,
    };
  },
}));
