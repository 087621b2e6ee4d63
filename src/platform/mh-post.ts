import type { Core, Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isMentalHealthTeacher, normalizePositions, type TeacherPosition } from './teacher-positions';
import { audit } from '../shared/audit';
import { ConflictError, forbidden } from '../shared/errors';

const TEACHER_UID = 'api::teacher.teacher';
const MH_POSITIONS: TeacherPosition[] = ['mh_fulltime', 'mh_parttime'];
/** Written only by confirmMhPost (through strapi.db.query), never through the Document Service. */
const CONFIRMATION_FIELDS = ['mhPostConfirmedAt', 'mhPostConfirmedBy', 'mhPostPending'] as const;

const asPositions = (value: unknown): TeacherPosition[] => {
  try {
    return normalizePositions(value);
  } catch {
    return [];
  }
};

/**
 * Document Service middleware (dual control for mental-health posts): a mental-health post opens counselling
 * cases only once a researcher has confirmed it. Whenever a write adds an mh position — REST, roster import,
 * admin panel or a service — the confirmation is cleared and the teacher is listed as pending; the
 * confirmation fields themselves can never be written through the Document Service.
 */
export const mhPostMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  if (context.uid !== TEACHER_UID || !['create', 'update', 'clone'].includes(context.action)) return next();
  const params = context.params as { documentId?: string; data?: Record<string, unknown> };
  const data = (params.data ??= {});
  for (const field of CONFIRMATION_FIELDS) delete data[field];

  const existing = context.action === 'create' || !params.documentId
    ? null
    : await strapi.db.query(TEACHER_UID).findOne({ where: { documentId: params.documentId }, select: ['positions'] });
  const before = existing ? asPositions(existing.positions) : [];
  const after = data.positions !== undefined ? asPositions(data.positions) : before;
  const added = MH_POSITIONS.some((p) => after.includes(p) && !before.includes(p));

  if (context.action !== 'update') {
    // A new teacher or a copy: nothing is confirmed yet.
    Object.assign(data, { mhPostConfirmedAt: null, mhPostConfirmedBy: null, mhPostPending: isMentalHealthTeacher(after) });
  } else if (data.positions !== undefined && (added || !isMentalHealthTeacher(after))) {
    // A newly added mh post waits for a researcher; without any mh post there is nothing to confirm.
    Object.assign(data, { mhPostConfirmedAt: null, mhPostConfirmedBy: null, mhPostPending: added });
  }
  return next();
};

/** A researcher confirms a teacher's mental-health post (audited); nobody confirms their own. */
export async function confirmMhPost(strapi: Core.Strapi, actor: { id: number; username: string }, teacherDocumentId: string) {
  return strapi.db.transaction(async () => {
    const teacher = await strapi.db.query(TEACHER_UID).findOne({
      where: { documentId: teacherDocumentId },
      select: ['id', 'documentId', 'name', 'staffNumber', 'positions', 'mhPostConfirmedAt', 'mhPostConfirmedBy', 'mhPostPending'],
      populate: { user: { select: ['id'] } },
    });
    if (!teacher) throw new errors.NotFoundError('Teacher not found');
    if (teacher.user?.id === actor.id) throw forbidden('Nobody confirms their own mental-health post (dual control)');
    const positions = asPositions(teacher.positions);
    if (!isMentalHealthTeacher(positions)) throw new ConflictError('This teacher holds no mental-health post to confirm');
    if (teacher.mhPostConfirmedAt && !teacher.mhPostPending) {
      return { documentId: teacher.documentId, positions, mhPostPending: false, alreadyConfirmed: true };
    }
    const at = new Date();
    await strapi.db.query(TEACHER_UID).update({
      where: { id: teacher.id },
      data: { mhPostConfirmedAt: at, mhPostConfirmedBy: actor.username, mhPostPending: false },
    });
    await audit(strapi, {
      entityType: 'teacher',
      entityDocumentId: teacher.documentId,
      action: 'confirm-mh-post',
      actor,
      before: { positions, mhPostPending: true },
      after: { positions, mhPostPending: false, mhPostConfirmedAt: at.toISOString(), mhPostConfirmedBy: actor.username },
    });
    return { documentId: teacher.documentId, positions, mhPostPending: false, alreadyConfirmed: false };
  });
}

/** For fixtures and the demo loader: marks a teacher's mh post confirmed by "system", audited. */
export async function confirmMhPostAsSystem(strapi: Core.Strapi, teacherDocumentId: string) {
  return confirmMhPost(strapi, { id: -1, username: 'system' }, teacherDocumentId);
}
