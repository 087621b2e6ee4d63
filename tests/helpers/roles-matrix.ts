import rolesFile from '../../database/reference/roles.json';

// What each granted action means to a reader of the README; an action missing here fails the README test.
export const ACTION_LABELS: Record<string, string> = {
  'plugin::users-permissions.auth.callback': '`POST /api/auth/local` sign in',
  'plugin::users-permissions.auth.changePassword': '`POST /api/auth/change-password`',
  'plugin::users-permissions.auth.resetPassword': '`POST /api/auth/reset-password` activate with a one-time code',
  'api::teacher.teacher.import': '`POST /api/teachers/import` roster (CSV/XLSX; codes mailed, never returned)',
  'api::teacher.teacher.resendActivation': '`POST /api/teachers/:documentId/resend-activation` (delivery status only)',
  'api::teacher.teacher.confirmMhPost': '`POST /api/teachers/:documentId/confirm-mh-post` (never own; audited)',
  'api::me.me.find': '`GET /api/me` own profile, school, role',
  'api::school.school.find': '`GET /api/schools`',
  'api::school.school.findOne': '`GET /api/schools/:documentId`',
  'api::teacher.teacher.find': '`GET /api/teachers` (no contact details; `filters[mhPostPending][$eq]=true` awaiting confirmation)',
  'api::teacher.teacher.findOne': '`GET /api/teachers/:documentId`',
  'api::theme.theme.find': '`GET /api/themes`',
  'api::theme.theme.findOne': '`GET /api/themes/:documentId`',
  'api::five-education-tag.five-education-tag.find': '`GET /api/five-education-tags`',
  'api::five-education-tag.five-education-tag.findOne': '`GET /api/five-education-tags/:documentId`',
  'api::search.search.find': '`GET /api/search` (cases only for those who may read them)',
  'api::lesson-plan.lesson-plan.find': '`GET /api/lesson-plans` (teachers: published, own drafts)',
  'api::lesson-plan.lesson-plan.findOne': '`GET /api/lesson-plans/:documentId`',
  'api::lesson-plan.lesson-plan.create': '`POST /api/lesson-plans` (teachers: own drafts only)',
  'api::lesson-plan.lesson-plan.update': '`PUT /api/lesson-plans/:documentId` (teachers: own, stays draft)',
  'api::lesson-plan.lesson-plan.delete': '`DELETE /api/lesson-plans/:documentId`',
  'api::lesson-plan.lesson-plan.publish': '`POST /api/lesson-plans/:documentId/publish`',
  'api::lesson-plan.lesson-plan.unpublish': '`POST /api/lesson-plans/:documentId/unpublish`',
  'api::psychodrama-script.psychodrama-script.find': '`GET /api/psychodrama-scripts` (teachers: published, own drafts)',
  'api::psychodrama-script.psychodrama-script.findOne': '`GET /api/psychodrama-scripts/:documentId`',
  'api::psychodrama-script.psychodrama-script.create': '`POST /api/psychodrama-scripts` (teachers: own drafts only)',
  'api::psychodrama-script.psychodrama-script.update': '`PUT /api/psychodrama-scripts/:documentId` (teachers: own, stays draft)',
  'api::psychodrama-script.psychodrama-script.delete': '`DELETE /api/psychodrama-scripts/:documentId`',
  'api::psychodrama-script.psychodrama-script.publish': '`POST /api/psychodrama-scripts/:documentId/publish`',
  'api::psychodrama-script.psychodrama-script.unpublish': '`POST /api/psychodrama-scripts/:documentId/unpublish`',
  'api::counseling-case.counseling-case.find': '`GET /api/counseling-cases` ¹',
  'api::counseling-case.counseling-case.findOne': '`GET /api/counseling-cases/:documentId` ¹',
  'api::counseling-case.counseling-case.create': '`POST /api/counseling-cases` ¹ (teachers: own drafts only)',
  'api::counseling-case.counseling-case.update': '`PUT /api/counseling-cases/:documentId` ¹ (teachers: own, stays draft)',
  'api::counseling-case.counseling-case.delete': '`DELETE /api/counseling-cases/:documentId` ¹',
  'api::counseling-case.counseling-case.publish': '`POST /api/counseling-cases/:documentId/publish` ¹',
  'api::counseling-case.counseling-case.unpublish': '`POST /api/counseling-cases/:documentId/unpublish` ¹',
  'api::library.library.find': '`GET /api/libraries`',
  'api::library.library.entries': '`GET /api/libraries/:key/entries` (cases library: ¹)',
  'api::library.library.progress': '`GET /api/libraries/progress`',
  'api::selection-round.selection-round.find': '`GET /api/selection-rounds` (teachers: not drafts)',
  'api::selection-round.selection-round.findOne': '`GET /api/selection-rounds/:documentId`',
  'api::selection-round.selection-round.create': '`POST /api/selection-rounds`',
  'api::selection-round.selection-round.update': '`PUT /api/selection-rounds/:documentId` (drafts only)',
  'api::selection-round.selection-round.transition': '`POST /api/selection-rounds/:documentId/transition`',
  'api::selection-round.selection-round.finalise': '`POST /api/selection-rounds/:documentId/finalise`',
  'api::submission.submission.find': '`GET /api/submissions` (teachers: own; all: blind)',
  'api::submission.submission.findOne': '`GET /api/submissions/:documentId`',
  'api::submission.submission.create': '`POST /api/submissions` (own published resource)',
  'api::submission.submission.withdraw': '`POST /api/submissions/:documentId/withdraw` (own, while open)',
  'api::review.review.find': '`GET /api/reviews` (own assignments)',
  'api::review.review.findOne': '`GET /api/reviews/:documentId` (own, with the resource, blind)',
  'api::review.review.create': '`POST /api/reviews` assign a reviewer (回避 checked)',
  'api::review.review.update': '`PUT /api/reviews/:documentId` score (own)',
  'api::training-course.training-course.find': '`GET /api/training-courses` (teachers: not planned)',
  'api::training-course.training-course.findOne': '`GET /api/training-courses/:documentId`',
  'api::training-course.training-course.create': '`POST /api/training-courses`',
  'api::training-course.training-course.update': '`PUT /api/training-courses/:documentId`',
  'api::training-course.training-course.enrol': '`POST /api/training-courses/:documentId/enrol` (own positions, capacity)',
  'api::training-course.training-course.enrolTeachers': '`POST /api/training-courses/:documentId/enrolments` enrol teachers (scope, capacity)',
  'api::training-course.training-course.complete': '`POST /api/training-courses/:documentId/complete` (credits hours)',
  'api::credit-record.credit-record.find': '`GET /api/credit-records` (teachers: own)',
  'api::credit-record.credit-record.findOne': '`GET /api/credit-records/:documentId`',
  'api::credit-record.credit-record.evidence': '`GET /api/credit-records/:documentId/evidence` (teachers: own; a download)',
  'api::credit-record.credit-record.create': '`POST /api/credit-records` (pending)',
  'api::credit-record.credit-record.update': '`PUT /api/credit-records/:documentId` (own, pending only)',
  'api::credit-record.credit-record.approve': '`POST /api/credit-records/:documentId/approve` (never own)',
  'api::credit-record.credit-record.reject': '`POST /api/credit-records/:documentId/reject`',
  'api::credit-record.credit-record.decide': '`POST /api/credit-records/decisions` (bulk, all or nothing)',
  'api::credit-record.credit-record.reverse': '`POST /api/credit-records/:documentId/reverse`',
  'api::credit-record.credit-record.import': '`POST /api/credit-records/import` (CSV/XLSX attendance)',
  'api::audit-event.audit-event.find': '`GET /api/audit-events`',
  'api::audit-event.audit-event.findOne': '`GET /api/audit-events/:documentId`',
  'api::transcript.transcript.mine': '`GET /api/me/transcript?schoolYear=`',
  'api::transcript.transcript.findOne': '`GET /api/transcripts/:teacherDocumentId?schoolYear=`',
  'api::report.report.compliance': '`GET /api/reports/compliance?schoolYear=[&groupBy=district\\|school\\|teacher]&district=\\|school=[&format=csv\\|xlsx]`',
  'api::certificate.certificate.create': '`POST /api/certificates` issue (eligible teachers only)',
  'api::certificate.certificate.findOne': '`GET /api/certificates/:documentId` (teachers: own)',
  'api::certificate.certificate.pdf': '`GET /api/certificates/:documentId/pdf` (teachers: own)',
  'api::certificate.certificate.revoke': '`POST /api/certificates/:documentId/revoke`',
};

// Shown so the table says plainly what nobody gets.
const NEVER_GRANTED = [
  '`POST /api/auth/local/register` self-registration',
  '`GET /api/users`, `/api/users/:id`, roles and permissions',
  '`/api/upload` (upload API)',
];

const ROLE_ORDER = ['public', 'authenticated', 'teacher', 'researcher', 'coordinator'];

/** The README's roles table, rendered from database/reference/roles.json. */
export function renderRolesMatrix(): string {
  const roles = ROLE_ORDER.map((type) => rolesFile.roles.find((role) => role.type === type)!);
  const actions = [...new Set(roles.flatMap((role) => role.permissions))];
  const header = `| | ${roles.map((role) => role.name).join(' | ')} |`;
  const divider = `|---|${roles.map(() => ':---:').join('|')}|`;
  const rows = actions.map((action) => {
    const label = ACTION_LABELS[action];
    if (!label) throw new Error(`tests/helpers/roles-matrix.ts has no label for ${action}`);
    return `| ${label} | ${roles.map((role) => (role.permissions.includes(action) ? '✓' : '')).join(' | ')} |`;
  });
  const never = NEVER_GRANTED.map((label) => `| ${label} | ${roles.map(() => '✗').join(' | ')} |`);
  return [header, divider, ...rows, ...never].join('\n');
}
