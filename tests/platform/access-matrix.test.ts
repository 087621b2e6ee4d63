import { startApp, createUser, bearer, type TestApp } from '../helpers/strapi';
import rolesFile from '../../database/reference/roles.json';
import { ACTION_LABELS } from '../helpers/roles-matrix';

/*
 * Issue 12 item 7: every caller × every content-API route (read from strapi.server.listRoutes()) × own/other's
 * object where the route takes an id. Whether the users-permissions layer lets the call through is generated
 * from database/reference/roles.json; what the domain then answers is the explicit table ROUTES below. A route
 * without a row fails the test, naming it, so a new route cannot ship without a verdict.
 *
 * Verdicts are status classes: `403`/`401` are the permission layer's (or a policy's) refusals; "granted" means
 * anything but 401/403 (and never a 5xx) unless the row says what the domain answers instead.
 * Every response body is scanned for contact details and secrets.
 */
let app: TestApp;

type Caller = 'public' | 'authenticated' | 'teacher' | 'mhTeacher' | 'researcher' | 'coordinator' | 'revoked';
// `revoked`: a teacher whose token was issued before a change to the account (src/platform/token-revocation.ts).
const CALLERS: Caller[] = ['public', 'authenticated', 'teacher', 'mhTeacher', 'researcher', 'coordinator', 'revoked'];
/** The users-permissions role of each caller. */
const ROLE_OF: Record<Caller, string> = {
  public: 'public',
  authenticated: 'authenticated',
  teacher: 'teacher',
  mhTeacher: 'teacher',
  researcher: 'researcher',
  coordinator: 'coordinator',
  revoked: 'teacher',
};
const granted = (caller: Caller, action: string) => rolesFile.roles.find((role) => role.type === ROLE_OF[caller])!.permissions.includes(action);

type Ownership = 'none' | 'own' | 'other';
/** Expected answer: a status, a list of statuses, or a class. */
type Verdict = number | number[] | 'ok' | 'granted';
type Resource =
  | 'lessonPlan'
  | 'script'
  | 'counselingCase'
  | 'creditRecord'
  | 'certificate'
  | 'submission'
  | 'review'
  | 'teacher'
  | 'school'
  | 'theme'
  | 'tag'
  | 'round'
  | 'course'
  | 'auditEvent'
  | 'library'
  | 'verificationCode';

interface RouteRule {
  /** The users-permissions action the route checks; 'open' for `auth: false`. Checked against the route's handler. */
  action: string;
  /** What `:id` (or `:key`, `:code`) is filled with. */
  id?: Resource;
  /** The domain's answer once the permission layer has let the call through (default: 'granted'). */
  domain?: (caller: Caller, ownership: Ownership) => Verdict;
  /** Query string sent with the probe. */
  query?: string;
  /** For a successful read of someone else's object: private relations that must not be in `data`. */
  hides?: string[];
}

const isTeacher = (caller: Caller) => caller === 'teacher' || caller === 'mhTeacher';
// Counselling cases also pass can-read-counseling-cases: researchers and mental-health teachers only (README ¹).
const casePolicy = (inner?: RouteRule['domain']) => (caller: Caller, ownership: Ownership): Verdict =>
  caller === 'teacher' ? 403 : inner ? inner(caller, ownership) : 'granted';
// Teacher writes pass owns-document: someone else's document is 403.
const ownWrites = (caller: Caller, ownership: Ownership): Verdict => (isTeacher(caller) && ownership === 'other' ? 403 : 'granted');

const UP = 'plugin::users-permissions';
const never = (action: string): RouteRule => ({ action });

/** Every content-API route, keyed "METHOD /api/path" as listRoutes() spells it. */
const ROUTES: Record<string, RouteRule> = {
  'GET /api/audit-events': { action: 'api::audit-event.audit-event.find' },
  'GET /api/audit-events/:id': { action: 'api::audit-event.audit-event.findOne', id: 'auditEvent' },
  'GET /api/certificates/verify/:code': { action: 'open', id: 'verificationCode', domain: () => 'ok' },
  'POST /api/certificates': { action: 'api::certificate.certificate.create' },
  // A teacher reads only their own certificate; another's is 404 (it does not exist for them).
  'GET /api/certificates/:id': { action: 'api::certificate.certificate.findOne', id: 'certificate', domain: (c, o) => (isTeacher(c) ? (o === 'own' ? 'ok' : 404) : 'ok'), hides: ['issuedBy'] },
  'GET /api/certificates/:id/pdf': { action: 'api::certificate.certificate.pdf', id: 'certificate', domain: (c, o) => (isTeacher(c) ? (o === 'own' ? 'ok' : 404) : 'ok') },
  'POST /api/certificates/:id/revoke': { action: 'api::certificate.certificate.revoke', id: 'certificate' },
  'POST /api/counseling-cases/:id/publish': { action: 'api::counseling-case.counseling-case.publish', id: 'counselingCase' },
  'POST /api/counseling-cases/:id/unpublish': { action: 'api::counseling-case.counseling-case.unpublish', id: 'counselingCase' },
  'GET /api/counseling-cases': { action: 'api::counseling-case.counseling-case.find', domain: casePolicy(() => 'ok') },
  'GET /api/counseling-cases/:id': { action: 'api::counseling-case.counseling-case.findOne', id: 'counselingCase', domain: casePolicy(() => 'ok') },
  'POST /api/counseling-cases': { action: 'api::counseling-case.counseling-case.create', domain: casePolicy() },
  'PUT /api/counseling-cases/:id': { action: 'api::counseling-case.counseling-case.update', id: 'counselingCase', domain: casePolicy(ownWrites) },
  'DELETE /api/counseling-cases/:id': { action: 'api::counseling-case.counseling-case.delete', id: 'counselingCase' },
  'POST /api/credit-records/import': { action: 'api::credit-record.credit-record.import' },
  'POST /api/credit-records/decisions': { action: 'api::credit-record.credit-record.decide' },
  // Nobody approves a record they submitted themselves: every demo record was submitted by the demo coordinator
  // (checked in beforeAll), so the coordinator's approval is a 403 from the domain, not the permission layer.
  'POST /api/credit-records/:id/approve': { action: 'api::credit-record.credit-record.approve', id: 'creditRecord', domain: (c) => (c === 'coordinator' ? 403 : 'granted') },
  'POST /api/credit-records/:id/reject': { action: 'api::credit-record.credit-record.reject', id: 'creditRecord' },
  'POST /api/credit-records/:id/reverse': { action: 'api::credit-record.credit-record.reverse', id: 'creditRecord' },
  'GET /api/credit-records': { action: 'api::credit-record.credit-record.find', domain: () => 'ok' },
  // Others' credit records do not exist for a teacher: 404, not 403 (no probing which ids exist).
  // Evidence: the record's teacher and coordinators; another teacher's is 404 (or 404 when there is none).
  'GET /api/credit-records/:id/evidence': { action: 'api::credit-record.credit-record.evidence', id: 'creditRecord', domain: (c, o) => (isTeacher(c) && o === 'other' ? 404 : 'granted') },
  'GET /api/credit-records/:id': { action: 'api::credit-record.credit-record.findOne', id: 'creditRecord', domain: (c, o) => (isTeacher(c) && o === 'other' ? 404 : 'ok'), hides: ['submittedBy', 'decidedBy'] },
  'POST /api/credit-records': { action: 'api::credit-record.credit-record.create' },
  'PUT /api/credit-records/:id': { action: 'api::credit-record.credit-record.update', id: 'creditRecord', domain: (c, o) => (isTeacher(c) && o === 'other' ? [403, 404] : 'granted') },
  'GET /api/five-education-tags': { action: 'api::five-education-tag.five-education-tag.find', domain: () => 'ok' },
  'GET /api/five-education-tags/:id': { action: 'api::five-education-tag.five-education-tag.findOne', id: 'tag', domain: () => 'ok' },
  'POST /api/lesson-plans/:id/publish': { action: 'api::lesson-plan.lesson-plan.publish', id: 'lessonPlan' },
  'POST /api/lesson-plans/:id/unpublish': { action: 'api::lesson-plan.lesson-plan.unpublish', id: 'lessonPlan' },
  'GET /api/lesson-plans': { action: 'api::lesson-plan.lesson-plan.find', domain: () => 'ok' },
  'GET /api/lesson-plans/:id': { action: 'api::lesson-plan.lesson-plan.findOne', id: 'lessonPlan', domain: () => 'ok' },
  'POST /api/lesson-plans': { action: 'api::lesson-plan.lesson-plan.create' },
  'PUT /api/lesson-plans/:id': { action: 'api::lesson-plan.lesson-plan.update', id: 'lessonPlan', domain: ownWrites },
  'DELETE /api/lesson-plans/:id': { action: 'api::lesson-plan.lesson-plan.delete', id: 'lessonPlan' },
  'GET /api/libraries': { action: 'api::library.library.find', domain: () => 'ok' },
  'GET /api/libraries/progress': { action: 'api::library.library.progress', domain: () => 'ok' },
  // The cases library is for those who may read cases (README ¹).
  'GET /api/libraries/:key/entries': { action: 'api::library.library.entries', id: 'library', domain: (c) => (c === 'teacher' || c === 'coordinator' ? 403 : 'ok') },
  'GET /api/me': { action: 'api::me.me.find', domain: () => 'ok' },
  'POST /api/psychodrama-scripts/:id/publish': { action: 'api::psychodrama-script.psychodrama-script.publish', id: 'script' },
  'POST /api/psychodrama-scripts/:id/unpublish': { action: 'api::psychodrama-script.psychodrama-script.unpublish', id: 'script' },
  'GET /api/psychodrama-scripts': { action: 'api::psychodrama-script.psychodrama-script.find', domain: () => 'ok' },
  'GET /api/psychodrama-scripts/:id': { action: 'api::psychodrama-script.psychodrama-script.findOne', id: 'script', domain: () => 'ok' },
  'POST /api/psychodrama-scripts': { action: 'api::psychodrama-script.psychodrama-script.create' },
  'PUT /api/psychodrama-scripts/:id': { action: 'api::psychodrama-script.psychodrama-script.update', id: 'script', domain: ownWrites },
  'DELETE /api/psychodrama-scripts/:id': { action: 'api::psychodrama-script.psychodrama-script.delete', id: 'script' },
  'GET /api/reports/compliance': { action: 'api::report.report.compliance', query: 'schoolYear=2025-2026', domain: () => 'granted' },
  'GET /api/reviews': { action: 'api::review.review.find', domain: () => 'ok' },
  // A review is its reviewer's: someone else's is 404.
  'GET /api/reviews/:id': { action: 'api::review.review.findOne', id: 'review', domain: (c, o) => (o === 'other' ? 404 : 'ok') },
  'POST /api/reviews': { action: 'api::review.review.create' },
  'PUT /api/reviews/:id': { action: 'api::review.review.update', id: 'review', domain: (c, o) => (o === 'other' ? [403, 404] : 'granted') },
  'GET /api/schools': { action: 'api::school.school.find', domain: () => 'ok' },
  'GET /api/schools/:id': { action: 'api::school.school.findOne', id: 'school', domain: () => 'ok' },
  'GET /api/search': { action: 'api::search.search.find', query: 'q=情绪', domain: () => 'ok' },
  'POST /api/selection-rounds/:id/transition': { action: 'api::selection-round.selection-round.transition', id: 'round' },
  'POST /api/selection-rounds/:id/finalise': { action: 'api::selection-round.selection-round.finalise', id: 'round' },
  'GET /api/selection-rounds': { action: 'api::selection-round.selection-round.find', domain: () => 'ok' },
  'GET /api/selection-rounds/:id': { action: 'api::selection-round.selection-round.findOne', id: 'round', domain: () => 'ok' },
  'POST /api/selection-rounds': { action: 'api::selection-round.selection-round.create' },
  'PUT /api/selection-rounds/:id': { action: 'api::selection-round.selection-round.update', id: 'round' },
  'POST /api/submissions/:id/withdraw': { action: 'api::submission.submission.withdraw', id: 'submission', domain: (c, o) => (o === 'other' ? [403, 404] : 'granted') },
  'GET /api/submissions': { action: 'api::submission.submission.find', domain: () => 'ok' },
  // Teachers see their own submissions only.
  'GET /api/submissions/:id': { action: 'api::submission.submission.findOne', id: 'submission', domain: (c, o) => (isTeacher(c) && o === 'other' ? 404 : 'ok') },
  'POST /api/submissions': { action: 'api::submission.submission.create' },
  'POST /api/teachers/import': { action: 'api::teacher.teacher.import' },
  'POST /api/teachers/:id/resend-activation': { action: 'api::teacher.teacher.resendActivation', id: 'teacher' },
  'POST /api/teachers/:id/confirm-mh-post': { action: 'api::teacher.teacher.confirmMhPost', id: 'teacher' },
  'GET /api/teachers': { action: 'api::teacher.teacher.find', domain: () => 'ok' },
  'GET /api/teachers/:id': { action: 'api::teacher.teacher.findOne', id: 'teacher', domain: () => 'ok', hides: ['user', 'phone'] },
  'GET /api/themes': { action: 'api::theme.theme.find', domain: () => 'ok' },
  'GET /api/themes/:id': { action: 'api::theme.theme.findOne', id: 'theme', domain: () => 'ok' },
  // Enrolment follows the teacher's positions: the probed course is the A-tier one (mental-health posts only).
  'POST /api/training-courses/:id/enrol': { action: 'api::training-course.training-course.enrol', id: 'course', domain: (c) => (c === 'teacher' ? 403 : 'granted') },
  'POST /api/training-courses/:id/enrolments': { action: 'api::training-course.training-course.enrolTeachers', id: 'course' },
  'POST /api/training-courses/:id/complete': { action: 'api::training-course.training-course.complete', id: 'course' },
  'GET /api/training-courses': { action: 'api::training-course.training-course.find', domain: () => 'ok' },
  'GET /api/training-courses/:id': { action: 'api::training-course.training-course.findOne', id: 'course', domain: () => 'ok' },
  'POST /api/training-courses': { action: 'api::training-course.training-course.create' },
  'PUT /api/training-courses/:id': { action: 'api::training-course.training-course.update', id: 'course' },
  'GET /api/me/transcript': { action: 'api::transcript.transcript.mine', query: 'schoolYear=2025-2026', domain: () => 'ok' },
  'GET /api/transcripts/:id': { action: 'api::transcript.transcript.findOne', id: 'teacher', query: 'schoolYear=2025-2026', domain: () => 'ok' },

  // Plugins' content-API routes: granted to nobody (roles.json), so 403 for every caller.
  'GET /api/content-type-builder/content-types': never('plugin::content-type-builder.content-types.getContentTypes'),
  'GET /api/content-type-builder/content-types/:uid': never('plugin::content-type-builder.content-types.getContentType'),
  'GET /api/content-type-builder/components': never('plugin::content-type-builder.components.getComponents'),
  'GET /api/content-type-builder/components/:uid': never('plugin::content-type-builder.components.getComponent'),
  'POST /api/email': never('plugin::email.email.send'),
  'POST /api/upload': never('plugin::upload.content-api.upload'),
  'GET /api/upload/files': never('plugin::upload.content-api.find'),
  'GET /api/upload/files/page': never('plugin::upload.content-api.findPage'),
  'GET /api/upload/files/:id': never('plugin::upload.content-api.findOne'),
  'DELETE /api/upload/files/:id': never('plugin::upload.content-api.destroy'),
  'GET /api/i18n/locales': never('plugin::i18n.locales.listLocales'),
  'GET /api/connect/(.*)': never(`${UP}.auth.connect`),
  // Public may sign in and activate; the answer is then the controller's (400 for an empty body).
  'POST /api/auth/local': { action: `${UP}.auth.callback` },
  'POST /api/auth/local/register': never(`${UP}.auth.register`),
  'GET /api/auth/:provider/callback': never(`${UP}.auth.callback`),
  'POST /api/auth/forgot-password': never(`${UP}.auth.forgotPassword`),
  'POST /api/auth/reset-password': { action: `${UP}.auth.resetPassword` },
  'GET /api/auth/email-confirmation': never(`${UP}.auth.emailConfirmation`),
  'POST /api/auth/send-email-confirmation': never(`${UP}.auth.sendEmailConfirmation`),
  'POST /api/auth/change-password': { action: `${UP}.auth.changePassword` },
  'POST /api/auth/refresh': never(`${UP}.auth.refresh`),
  'POST /api/auth/logout': never(`${UP}.auth.logout`),
  'GET /api/auth/sessions': never(`${UP}.auth.getSessions`),
  'DELETE /api/auth/sessions/:sessionId': never(`${UP}.auth.revokeSession`),
  'GET /api/users/count': never(`${UP}.user.count`),
  'GET /api/users': never(`${UP}.user.find`),
  'GET /api/users/me': never(`${UP}.user.me`),
  'GET /api/users/:id': never(`${UP}.user.findOne`),
  'POST /api/users': never(`${UP}.user.create`),
  'PUT /api/users/:id': never(`${UP}.user.update`),
  'DELETE /api/users/:id': never(`${UP}.user.destroy`),
  'GET /api/users-permissions/roles/:id': never(`${UP}.role.findOne`),
  'GET /api/users-permissions/roles': never(`${UP}.role.find`),
  'POST /api/users-permissions/roles': never(`${UP}.role.createRole`),
  'PUT /api/users-permissions/roles/:role': never(`${UP}.role.updateRole`),
  'DELETE /api/users-permissions/roles/:role': never(`${UP}.role.deleteRole`),
  'GET /api/users-permissions/permissions': never(`${UP}.permissions.getPermissions`),
};

/** Keys that must never appear in any response body. */
const FORBIDDEN_KEYS = ['password', 'email', 'phone', 'resetPasswordToken', 'confirmationToken', 'tokensValidAfter'];
function forbiddenKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => forbiddenKeys(item, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(FORBIDDEN_KEYS.includes(key) ? [`${path}.${key}`] : []),
    ...forbiddenKeys(inner, `${path}.${key}`),
  ]);
}

interface Fixtures {
  jwt: Record<Caller, string | null>;
  teacherDoc: Partial<Record<Caller, string>>;
  userId: Partial<Record<Caller, number>>;
  /** documentIds per resource: own per caller, and one that is nobody's of the callers (or another's). */
  own: Partial<Record<Resource, Partial<Record<Caller, string>>>>;
  other: Partial<Record<Resource, Partial<Record<Caller, string>>>>;
  any: Partial<Record<Resource, string>>;
}
let fx: Fixtures;

interface Probe {
  key: string;
  method: string;
  url: string;
  caller: Caller;
  ownership: Ownership;
  expected: Verdict;
  reason: string;
}

beforeAll(async () => {
  app = await startApp({ demo: true });
  const { strapi } = app;
  const jwtService = strapi.plugin('users-permissions').service('jwt');
  const userByName = async (username: string) => strapi.db.query('plugin::users-permissions.user').findOne({ where: { username } });
  const teacherOf = async (userId: number) => strapi.db.query('api::teacher.teacher').findOne({ where: { user: { id: userId } } });

  const bare = await createUser(strapi, { role: 'authenticated' });
  const revoked = await createUser(strapi, { role: 'teacher', teacher: { positions: ['mh_fulltime'] } });
  await strapi.db.query('plugin::users-permissions.user').update({ where: { id: revoked.user.id }, data: { blocked: true } });
  await strapi.db.query('plugin::users-permissions.user').update({ where: { id: revoked.user.id }, data: { blocked: false } });
  const names: Partial<Record<Caller, string>> = {
    teacher: 'demo-homeroom-teacher',
    mhTeacher: 'demo-mh-teacher',
    researcher: 'demo-researcher',
    coordinator: 'demo-coordinator',
  };
  fx = { jwt: { public: null, authenticated: bare.jwt, revoked: revoked.jwt } as any, teacherDoc: {}, userId: { authenticated: bare.user.id }, own: {}, other: {}, any: {} };
  for (const [caller, username] of Object.entries(names) as [Caller, string][]) {
    const user = await userByName(username);
    fx.userId[caller] = user.id;
    fx.jwt[caller] = jwtService.issue({ id: user.id });
    const teacher = await teacherOf(user.id);
    if (teacher) fx.teacherDoc[caller] = teacher.documentId;
  }

  const first = async (uid: string, where: Record<string, unknown> = {}) => {
    const row = await strapi.db.query(uid).findOne({ where, orderBy: { id: 'asc' } });
    return row?.documentId as string | undefined;
  };
  const setOwnOther = async (resource: Resource, uid: string, ownerField: string, ownerOf: (caller: Caller) => Record<string, unknown> | null, extra: Record<string, unknown> = {}) => {
    fx.own[resource] = {};
    fx.other[resource] = {};
    for (const caller of CALLERS) {
      const owner = ownerOf(caller);
      if (owner) {
        const own = await first(uid, { ...extra, [ownerField]: owner });
        if (own) fx.own[resource]![caller] = own;
        const [[field, value]] = Object.entries(owner);
        fx.other[resource]![caller] = await first(uid, { ...extra, [ownerField]: { [field]: { $ne: value } } });
      } else {
        fx.other[resource]![caller] = await first(uid, extra);
      }
    }
  };
  const byTeacher = (caller: Caller) => (fx.teacherDoc[caller] ? { documentId: fx.teacherDoc[caller] } : null);
  const byUser = (caller: Caller) => (fx.userId[caller] ? { id: fx.userId[caller] } : null);
  const published = { publishedAt: { $notNull: true } };
  await setOwnOther('lessonPlan', 'api::lesson-plan.lesson-plan', 'author', byTeacher, published);
  await setOwnOther('script', 'api::psychodrama-script.psychodrama-script', 'author', byTeacher, published);
  await setOwnOther('counselingCase', 'api::counseling-case.counseling-case', 'author', byTeacher, published);
  await setOwnOther('creditRecord', 'api::credit-record.credit-record', 'teacher', byTeacher);
  // The demo data has one certificate (the MH teacher's); another teacher's is added for the "other" probes.
  const subject = await strapi.db.query('api::teacher.teacher').findOne({ where: { user: { username: 'demo-subject-teacher' } } });
  // Certificates are issued only inside a decision (src/training/guard.ts): the fixture is written as one.
  await require('../../dist/src/shared/decision').asDecision('fixture', () => strapi.documents('api::certificate.certificate').create({
    data: { teacher: subject.documentId, tier: 'C', schoolYear: '2025-2026', serialNumber: 'MATRIX-C-0001', verificationCode: 'MATRIXVERIFY00000001', issuedAt: new Date(), snapshot: { hours: 8 }, status: 'valid' } as any,
  }));
  await setOwnOther('certificate', 'api::certificate.certificate', 'teacher', byTeacher);
  await setOwnOther('submission', 'api::submission.submission', 'submitter', byTeacher);
  await setOwnOther('review', 'api::review.review', 'reviewer', byUser);
  fx.own.teacher = {};
  fx.other.teacher = {};
  for (const caller of CALLERS) {
    if (fx.teacherDoc[caller]) fx.own.teacher[caller] = fx.teacherDoc[caller];
    fx.other.teacher[caller] = await first('api::teacher.teacher', fx.teacherDoc[caller] ? { documentId: { $ne: fx.teacherDoc[caller] } } : {});
  }
  fx.any.school = await first('api::school.school');
  fx.any.theme = await first('api::theme.theme');
  fx.any.tag = await first('api::five-education-tag.five-education-tag');
  fx.any.round = await first('api::selection-round.selection-round');
  fx.any.course = await first('api::training-course.training-course');
  // What the domain rows above rely on.
  const course = await strapi.db.query('api::training-course.training-course').findOne({ where: { documentId: fx.any.course } });
  expect(course.tier).toBe('A');
  const record = await strapi.db.query('api::credit-record.credit-record').findOne({ where: { documentId: fx.other.creditRecord!.coordinator }, populate: { submittedBy: true } });
  expect(record.submittedBy?.id).toBe(fx.userId.coordinator);
  fx.any.auditEvent = await first('api::audit-event.audit-event');
  fx.any.library = 'counseling-cases';
  const certificate = await strapi.db.query('api::certificate.certificate').findOne({ where: {}, select: ['verificationCode'] });
  fx.any.verificationCode = certificate?.verificationCode;
}, 300_000);
afterAll(async () => {
  await app?.stop();
});

/** Route definitions by "METHOD /api/path", with the action users-permissions checks and whether auth is off. */
function routeDefinitions(): Map<string, { action: string; auth: boolean }> {
  const { strapi } = app;
  const found = new Map<string, { action: string; auth: boolean }>();
  const collect = (namespace: string, routers: Record<string, any>) => {
    for (const router of Object.values(routers ?? {})) {
      const definition = typeof router === 'function' ? router({ strapi }) : router;
      if (!definition || (definition.type && definition.type !== 'content-api')) continue;
      if (!Array.isArray(definition.routes)) continue;
      for (const route of definition.routes) {
        if (typeof route.handler !== 'string') continue;
        const handler = route.handler.includes('::') ? route.handler : `${namespace}.${route.handler}`;
        const prefix = route.config?.prefix ?? '';
        found.set(`${route.method} /api${prefix}${route.path}`, { action: handler, auth: route.config?.auth !== false });
      }
    }
  };
  for (const [name, api] of Object.entries(strapi.apis as Record<string, any>)) collect(`api::${name}`, api.routes);
  for (const [name, plugin] of Object.entries(strapi.plugins as Record<string, any>)) collect(`plugin::${name}`, plugin.routes);
  return found;
}

function listedRoutes(): { method: string; path: string }[] {
  return app.strapi.server
    .listRoutes()
    .filter((layer: any) => layer.path.startsWith('/api/'))
    .flatMap((layer: any) => layer.methods.filter((m: string) => m !== 'HEAD').map((method: string) => ({ method, path: layer.path })));
}

test('every content-API route has a verdict row, and every row is a route', () => {
  const listed = listedRoutes().map((route) => `${route.method} ${route.path}`);
  const missing = listed.filter((key) => !ROUTES[key]);
  if (missing.length > 0) throw new Error(`Routes without a verdict in tests/platform/access-matrix.test.ts ROUTES: ${missing.join(', ')}`);
  const stale = Object.keys(ROUTES).filter((key) => !listed.includes(key));
  expect(stale).toEqual([]);
});

test("each row's action is the route's own handler, and each granted action has a README label", () => {
  const definitions = routeDefinitions();
  const wrong: string[] = [];
  for (const [key, rule] of Object.entries(ROUTES)) {
    const definition = definitions.get(key);
    if (!definition) continue; // plugin routes registered another way: their rows are "never granted" anyway
    const actual = definition.auth ? definition.action : 'open';
    if (actual !== rule.action && !(rule.action !== 'open' && !definition.auth)) wrong.push(`${key}: table says ${rule.action}, route says ${actual}`);
  }
  expect(wrong).toEqual([]);
  const grantedActions = new Set(rolesFile.roles.flatMap((role) => role.permissions));
  const tableActions = new Set(Object.values(ROUTES).map((rule) => rule.action));
  expect([...grantedActions].filter((action) => !tableActions.has(action))).toEqual([]);
  expect([...grantedActions].filter((action) => !ACTION_LABELS[action])).toEqual([]);
});

function buildProbes(): Probe[] {
  const probes: Probe[] = [];
  for (const { method, path } of listedRoutes()) {
    const key = `${method} ${path}`;
    const rule = ROUTES[key];
    if (!rule) continue;
    const hasId = /:[A-Za-z]+|\(\.\*\)/.test(path);
    for (const caller of CALLERS) {
      const ownerships: Ownership[] = !hasId ? ['none'] : rule.id && fx.own[rule.id]?.[caller] ? ['own', 'other'] : ['other'];
      for (const ownership of ownerships) {
        let id: string | undefined;
        if (rule.id && ownership === 'own') id = fx.own[rule.id]![caller];
        else if (rule.id && fx.other[rule.id]) id = fx.other[rule.id]![caller];
        else if (rule.id) id = fx.any[rule.id];
        else if (hasId) id = 'x1';
        if (hasId && !id) throw new Error(`no fixture for ${key} (${caller}, ${ownership})`);
        const url = (hasId ? path.replace(/:[A-Za-z]+|\(\.\*\)/, encodeURIComponent(id!)) : path) + (rule.query ? `?${rule.query}` : '');
        let expected: Verdict;
        let reason: string;
        if (rule.action === 'open') {
          expected = rule.domain ? rule.domain(caller, ownership) : 'granted';
          reason = 'auth: false';
        } else if (caller === 'revoked') {
          expected = 401;
          reason = 'a token issued before the account changed is refused on every route';
        } else if (!granted(caller, rule.action)) {
          expected = 403;
          reason = `roles.json does not grant ${rule.action} to ${ROLE_OF[caller]}`;
        } else {
          expected = rule.domain ? rule.domain(caller, ownership) : 'granted';
          reason = `granted ${rule.action}; domain rule`;
        }
        probes.push({ key, method, url, caller, ownership, expected, reason });
      }
    }
  }
  // Reads first, deletes last; refusals before the calls that may change state.
  const order = (probe: Probe) => ({ GET: 0, POST: 1, PUT: 1, DELETE: 2 })[probe.method as 'GET'] * 10 + (probe.expected === 403 ? 0 : 1);
  return probes.sort((a, b) => order(a) - order(b));
}

function matches(status: number, expected: Verdict): boolean {
  if (status >= 500) return false;
  if (expected === 'ok') return status >= 200 && status < 300;
  if (expected === 'granted') return status !== 401 && status !== 403;
  if (Array.isArray(expected)) return expected.includes(status);
  return status === expected;
}

test('the matrix: every caller × route × own/other object answers as roles.json and the domain table say', async () => {
  const probes = buildProbes();
  const failures: string[] = [];
  const leaks: string[] = [];
  const othersPrivate: string[] = [];
  let otherReads = 0;
  for (const probe of probes) {
    const jwt = fx.jwt[probe.caller];
    let request = (app.http() as any)[probe.method.toLowerCase()](probe.url);
    if (jwt) request = request.set(bearer(jwt));
    if (probe.method === 'POST' || probe.method === 'PUT') request = request.send({});
    const res = await request;
    const label = `${probe.caller.padEnd(13)} ${probe.key} [${probe.ownership}] → ${res.status}`;
    if (!matches(res.status, probe.expected)) failures.push(`${label}, expected ${JSON.stringify(probe.expected)} (${probe.reason})`);
    const leaked = forbiddenKeys(res.body);
    if (leaked.length > 0) leaks.push(`${label}: ${leaked.join(', ')}`);
    // An allowed read of another's object returns that object (and nothing private, checked above).
    if (probe.method === 'GET' && probe.ownership === 'other' && res.status === 200 && res.body?.data && !Array.isArray(res.body.data) && /:id$/.test(probe.key)) {
      const data = res.body.data;
      if (data.documentId && !probe.url.includes(data.documentId) && !probe.key.includes('transcripts')) othersPrivate.push(`${label}: returned ${data.documentId}`);
      for (const key of ROUTES[probe.key].hides ?? []) if (data[key] !== undefined) othersPrivate.push(`${label}: carries ${key}`);
      otherReads += 1;
    }
  }
  // eslint-disable-next-line no-console
  console.log(`access matrix: ${probes.length} probes over ${new Set(probes.map((p) => p.key)).size} routes; ${otherReads} allowed reads of others' objects checked`);
  expect(failures).toEqual([]);
  expect(leaks).toEqual([]);
  expect(othersPrivate).toEqual([]);
  expect(probes.length).toBeGreaterThan(500);
}, 600_000);
