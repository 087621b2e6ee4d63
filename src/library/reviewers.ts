import { ConflictError, fieldError } from '../shared/errors';
import { canReadCounselingCases, isMhPostConfirmed, type CallerProfile } from '../platform/actor';
import type { TeacherPosition } from '../platform/teacher-positions';
import type { RoundStatus } from './selection';

/*
 * Who may review a submission: the one copy of the rule, used by the assignment itself (src/api/review) and by
 * the candidates list the researchers' board offers (so it never offers someone the assignment would refuse).
 */

/** What the rule reads of a submission. */
export interface SubmissionParties {
  resourceType: string;
  status: string;
  round: { status: RoundStatus } | null;
  /** The submitter's login account. */
  submitter: { user: { id: number } | null } | null;
  school: { id: number } | null;
}

/** What the rule reads of a prospective reviewer: their account (with its role) and teacher profile, if any. */
export interface ReviewerCandidate {
  account: { id: number; documentId: string; username: string; role: { type: string } | null };
  teacher: { documentId: string; positions: unknown; mhPostConfirmedAt?: string | null; mhPostPending?: boolean | null; school: { id: number } | null } | null;
}

export const REVIEWER_ROLES = ['researcher', 'teacher'] as const;

/** Reviewers can be assigned while the round is open or reviewing, to a live submission; else a 409. */
export function assertAssignable(submission: Pick<SubmissionParties, 'status' | 'round'>) {
  if (!['open', 'reviewing'].includes(submission.round?.status ?? '')) throw new ConflictError(`The round is ${submission.round?.status}; reviewers can no longer be assigned`);
  if (submission.status !== 'submitted') throw new ConflictError(`The submission is ${submission.status}`);
}

/**
 * Why this account may not review this submission (the error to answer with), or null when it may: a researcher
 * or teacher account; for a counselling case, someone who may read cases (it is read in full); 回避 — never the
 * submitter, never someone from the submitter's school.
 */
export function reviewerRefusal(submission: SubmissionParties, reviewer: ReviewerCandidate): Error | null {
  const { account, teacher } = reviewer;
  const role = account.role?.type;
  if (!role || !(REVIEWER_ROLES as readonly string[]).includes(role)) {
    return fieldError('reviewer', `reviewer "${account.username}" is not a researcher or teacher account`);
  }
  if (submission.resourceType === 'counseling-case') {
    const profile: CallerProfile = {
      role: role === 'researcher' ? 'researcher' : 'teacher',
      account: { id: account.id, documentId: account.documentId, username: account.username },
      teacher: teacher ? { documentId: teacher.documentId, positions: (teacher.positions ?? []) as TeacherPosition[], schoolDocumentId: null, mhPostConfirmed: isMhPostConfirmed(teacher) } : null,
      scope: null,
    };
    if (!canReadCounselingCases(profile)) {
      return fieldError('reviewer', `reviewer "${account.username}" may not read counselling cases: a case is reviewed by researchers and mental-health teachers only`);
    }
  }
  if (submission.submitter?.user?.id === account.id) return new ConflictError('回避: a reviewer cannot review their own submission');
  if (submission.school && teacher?.school?.id === submission.school.id) return new ConflictError('回避: a reviewer cannot review a submission from their own school');
  return null;
}
