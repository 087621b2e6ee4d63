import type { Modules } from '@strapi/strapi';
import { normalizeEnumSet } from '../shared/enum-set';

/** Positions a teacher can hold; a teacher may hold several (e.g. a subject teacher who is also a homeroom teacher). */
export const TEACHER_POSITIONS = ['mh_fulltime', 'mh_parttime', 'homeroom', 'moral_education', 'subject'] as const;
export type TeacherPosition = (typeof TEACHER_POSITIONS)[number];

export const CERTIFICATE_TIERS = ['A', 'B', 'C'] as const;
export type CertificateTier = (typeof CERTIFICATE_TIERS)[number];

// seeds/000: A证 for full- and part-time mental-health teachers, B证 for homeroom teachers (班主任) and
// moral-education managers (德育管理者), C证 for subject teachers (专任教师).
const TIER_BY_POSITION: Record<TeacherPosition, CertificateTier> = {
  mh_fulltime: 'A',
  mh_parttime: 'A',
  homeroom: 'B',
  moral_education: 'B',
  subject: 'C',
};

/** The tier a teacher's positions require; with several positions the highest tier (A > B > C) applies. */
export function requiredCertificateTier(positions: readonly TeacherPosition[]): CertificateTier {
  const tiers = new Set(positions.map((position) => TIER_BY_POSITION[position]));
  const tier = CERTIFICATE_TIERS.find((candidate) => tiers.has(candidate));
  if (!tier) throw new Error('A teacher needs at least one position to have a certificate tier');
  return tier;
}

export function isMentalHealthTeacher(positions: readonly TeacherPosition[]): boolean {
  return positions.includes('mh_fulltime') || positions.includes('mh_parttime');
}

export function normalizePositions(value: unknown): TeacherPosition[] {
  return normalizeEnumSet('positions', TEACHER_POSITIONS, value);
}

const TEACHER_UID = 'api::teacher.teacher';

/**
 * Document Service middleware: validates positions and derives certificateTier on every write,
 * whether it comes from the REST API, the admin panel or a service, so the tier never drifts.
 */
export const teacherPositionsMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  if (context.uid !== TEACHER_UID || (context.action !== 'create' && context.action !== 'update')) {
    return next();
  }
  const params = context.params as { data?: Record<string, unknown> };
  const data = params.data;
  if (data) {
    if (context.action === 'create' || data.positions !== undefined) {
      data.positions = normalizePositions(data.positions);
      data.certificateTier = requiredCertificateTier(data.positions as TeacherPosition[]);
    } else {
      // The tier is derived, never set directly.
      delete data.certificateTier;
    }
  }
  return next();
};
