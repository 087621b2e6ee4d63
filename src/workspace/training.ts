import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldError, forbidden } from '../shared/errors';
import { uploadedFile } from '../shared/multipart';
import { accountOf, scopeOf, type Actor } from '../platform/actor';
import { importRoster } from '../platform/roster-import';
import { assertTeacherInScope, teacherFilter } from '../platform/scope';
import { importAttendance } from '../training/attendance-import';
import { assertSchoolYear } from '../training/ledger';
import { certificateVerifyUrl, renderCertificatePdf, type CertificateForPdf } from '../training/certificate-pdf';
import { guarded, paging, panelActor, type AdminContext, type WorkspaceAction, type WorkspaceRoute } from './panel';

/**
 * Coordinators' pages: the import wizard (rosters and attendance: upload → dry run → commit), a course's roster
 * (bulk enrolment and completion) and certificates (issue, revoke, download) — each through the REST API's
 * services, within the panel user's scope. Reading a roster or the certificates is one action, changing them
 * another, so a school's training lead follows their school's without deciding for it.
 */
export const TRAINING_ACTIONS: WorkspaceAction[] = [
  { uid: 'workspace.imports', displayName: '导入向导 Import rosters and attendance (dry run, then commit)' },
  { uid: 'workspace.course-rosters', displayName: '课程名单 Read course rosters' },
  { uid: 'workspace.enrolments', displayName: '报名与结业 Enrol teachers and mark completion' },
  { uid: 'workspace.certificates', displayName: '结业证书 Read and download certificates' },
  { uid: 'workspace.certificates-issue', displayName: '发证与撤销 Issue and revoke certificates' },
];

const COURSE_UID = 'api::training-course.training-course';
const CERT_UID = 'api::certificate.certificate';
const TEACHER_UID = 'api::teacher.teacher';

type Page<T> = Promise<{ results: T[]; pagination: unknown }>;
interface TeacherRef { documentId: string; name: string; staffNumber: string; school?: { name: string } | null }
interface CourseService {
  listFor(actor: Actor, query: Record<string, unknown>): Page<Record<string, unknown>>;
  rosterFor(actor: Actor, documentId: string, options: { page: number; pageSize: number }): Promise<{ results: { documentId: string; status: string; enrolledAt: string; completedAt: string | null; teacher: TeacherRef | null }[]; pagination: unknown } | null>;
  enrolTeachers(actor: Actor, documentId: string, teachers: unknown): Promise<{ documentId: string; status: string }[]>;
  complete(actor: Actor, documentId: string, teachers: unknown): Promise<unknown[]>;
}
interface CertificateRow { documentId: string; tier: string; schoolYear: string; serialNumber: string; issuedAt: string; status: string; revokedAt: string | null; revocationReason: string | null; teacher: TeacherRef | null }
interface CertificateService {
  listFor(actor: Actor, options: { status?: string; tier?: string; schoolYear?: string; page: number; pageSize: number }): Page<CertificateRow>;
  eligibility(teacher: string, tier: string, schoolYear: string): Promise<{ rule: unknown; transcript: { approvedHours: number }; completed: unknown[]; missing: unknown[] }>;
  issue(actor: Actor, input: Record<string, unknown>): Promise<CertificateRow>;
  revoke(actor: Actor, documentId: string, reason: unknown): Promise<CertificateRow>;
  readable(actor: Actor, documentId: string): Promise<(CertificateForPdf & { documentId: string }) | null>;
}
const courses = (strapi: Core.Strapi) => strapi.service(COURSE_UID) as unknown as CourseService;
const certificates = (strapi: Core.Strapi) => strapi.service(CERT_UID) as unknown as CertificateService;

/**
 * Either of these workspace actions (admin::hasPermissions wants them all, and a route's policies are names
 * only): signed-in admins pass the route, the handler checks the actions first.
 */
const guardedAny = (ctx: AdminContext, ...actions: string[]) => {
  const ability = (ctx.state as { userAbility?: { can(action: string): boolean } }).userAbility;
  if (!actions.some((action) => ability?.can(`api::${action}`))) throw forbidden('Policy Failed');
};
const flag = (ctx: AdminContext, name: string) => ['true', '1', 'yes'].includes(String(ctx.query[name] ?? '').toLowerCase());
const dataOf = (ctx: AdminContext) => ((ctx.request.body ?? {}) as { data?: Record<string, unknown> }).data ?? {};
/** A text query parameter, or undefined; a repeated or over-long one is a 400 naming it. */
function textParam(ctx: AdminContext, name: string, max = 60): string | undefined {
  const value = ctx.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max) throw fieldError(name, `${name} must be one text of at most ${max} characters`);
  return value;
}
function oneOf(ctx: AdminContext, name: string, allowed: string[]): string | undefined {
  const value = textParam(ctx, name);
  if (value !== undefined && !allowed.includes(value)) throw fieldError(name, `${name} must be one of ${allowed.join(', ')}`);
  return value;
}
const teacherOut = (teacher: TeacherRef | null) => (teacher ? { documentId: teacher.documentId, name: teacher.name, staffNumber: teacher.staffNumber, school: teacher.school?.name ?? null } : null);
const certificateOut = (c: CertificateRow) => ({
  documentId: c.documentId, tier: c.tier, schoolYear: c.schoolYear, serialNumber: c.serialNumber, issuedAt: c.issuedAt, status: c.status,
  revokedAt: c.revokedAt ?? null, revocationReason: c.revocationReason ?? null, teacher: teacherOut(c.teacher),
});

/** The import wizard: the REST imports' own services, dry run first; the answer is their report, as REST gives it. */
function importRoutes(strapi: Core.Strapi): WorkspaceRoute[] {
  const upload = (ctx: AdminContext) => {
    const file = uploadedFile(ctx, 'file');
    if (!file) throw fieldError('file', 'Attach the file as the multipart field "file" (CSV or XLSX)');
    return file;
  };
  return [
    {
      // New accounts' activation codes go to the teachers by email, never into this report (as on REST).
      method: 'POST',
      path: '/imports/roster',
      handler: async (ctx) => {
        const actor = await panelActor(strapi, ctx);
        const file = upload(ctx);
        const dryRun = flag(ctx, 'dryRun');
        const report = await importRoster(strapi, { filePath: file.filepath, actor: accountOf(actor), scope: scopeOf(actor), dryRun });
        ctx.status = !dryRun && report.created > 0 ? 201 : 200;
        ctx.body = { data: report };
      },
      config: guarded('workspace.imports'),
    },
    {
      method: 'POST',
      path: '/imports/attendance',
      handler: async (ctx) => {
        const actor = await panelActor(strapi, ctx);
        const file = upload(ctx);
        const report = await importAttendance(strapi, { filePath: file.filepath, actor: accountOf(actor), scope: scopeOf(actor), dryRun: flag(ctx, 'dryRun'), partial: flag(ctx, 'partial') });
        ctx.status = report.dryRun || report.imported === 0 ? 200 : 201;
        ctx.body = { data: report };
      },
      config: guarded('workspace.imports'),
    },
  ];
}

/** Courses, a course's roster of the scope's teachers, the teacher picker, bulk enrolment and completion. */
function rosterRoutes(strapi: Core.Strapi): WorkspaceRoute[] {
  return [
    {
      method: 'GET',
      path: '/courses',
      handler: async (ctx) => {
        const status = oneOf(ctx, 'status', ['planned', 'open', 'closed']);
        const { results, pagination } = await courses(strapi).listFor(await panelActor(strapi, ctx), {
          ...(status ? { filters: { courseStatus: { $eq: status } } } : {}),
          sort: ['startDate:desc', 'id:desc'],
          pagination: paging(ctx.query),
        });
        ctx.body = { data: await strapi.contentAPI.sanitize.output(results, strapi.getModel(COURSE_UID)), meta: { pagination } };
      },
      config: guarded('workspace.course-rosters'),
    },
    {
      method: 'GET',
      path: '/courses/:id/enrolments',
      handler: async (ctx) => {
        const roster = await courses(strapi).rosterFor(await panelActor(strapi, ctx), String(ctx.params.id), paging(ctx.query, 100));
        if (!roster) throw new errors.NotFoundError('Course not found');
        ctx.body = {
          data: roster.results.map((e) => ({ documentId: e.documentId, status: e.status, enrolledAt: e.enrolledAt, completedAt: e.completedAt ?? null, teacher: teacherOut(e.teacher) })),
          meta: { pagination: roster.pagination },
        };
      },
      config: guarded('workspace.course-rosters'),
    },
    {
      // The picker (enrolment, certificates): teachers of the scope whose name or staff number contains ?q.
      method: 'GET',
      path: '/teachers',
      handler: async (ctx) => {
        guardedAny(ctx, 'workspace.enrolments', 'workspace.certificates-issue');
        const q = textParam(ctx, 'q');
        const inScope = teacherFilter(scopeOf(await panelActor(strapi, ctx)));
        const search = q ? { $or: [{ name: { $containsi: q } }, { staffNumber: { $containsi: q } }] } : {};
        const { page, pageSize } = paging(ctx.query, 20);
        const found = (await strapi.documents(TEACHER_UID).findMany({
          filters: { $and: [inScope, search] },
          fields: ['name', 'staffNumber', 'positions'],
          populate: { school: { fields: ['name'] } },
          sort: [{ staffNumber: 'asc' }],
          start: (page - 1) * pageSize,
          limit: pageSize,
        })) as unknown as (TeacherRef & { positions: string[] | null })[];
        ctx.body = { data: found.map((t) => ({ ...teacherOut(t), positions: t.positions ?? [] })) };
      },
      config: { policies: ['admin::isAuthenticatedAdmin'] },
    },
    {
      method: 'POST',
      path: '/courses/:id/enrolments',
      handler: async (ctx) => {
        const enrolments = await courses(strapi).enrolTeachers(await panelActor(strapi, ctx), String(ctx.params.id), dataOf(ctx).teachers);
        ctx.status = 201;
        ctx.body = { data: enrolments.map((e) => ({ documentId: e.documentId, status: e.status })) };
      },
      config: guarded('workspace.enrolments'),
    },
    {
      method: 'POST',
      path: '/courses/:id/completions',
      handler: async (ctx) => {
        ctx.body = { data: await courses(strapi).complete(await panelActor(strapi, ctx), String(ctx.params.id), dataOf(ctx).teachers) };
      },
      config: guarded('workspace.enrolments'),
    },
  ];
}

/** Certificates of the scope's teachers: list, eligibility, issue, revoke, PDF. */
function certificateRoutes(strapi: Core.Strapi): WorkspaceRoute[] {
  return [
    {
      method: 'GET',
      path: '/certificates',
      handler: async (ctx) => {
        const schoolYear = textParam(ctx, 'schoolYear');
        const { results, pagination } = await certificates(strapi).listFor(await panelActor(strapi, ctx), {
          status: oneOf(ctx, 'status', ['valid', 'revoked']),
          tier: oneOf(ctx, 'tier', ['A', 'B', 'C']),
          ...(schoolYear ? { schoolYear: assertSchoolYear(schoolYear) } : {}),
          ...paging(ctx.query),
        });
        ctx.body = { data: results.map(certificateOut), meta: { pagination } };
      },
      config: guarded('workspace.certificates'),
    },
    {
      // What the teacher has and what the tier needs — the answer issuing would give, before issuing.
      method: 'GET',
      path: '/certificates/eligibility',
      handler: async (ctx) => {
        const actor = await panelActor(strapi, ctx);
        const teacher = textParam(ctx, 'teacher');
        if (!teacher) throw fieldError('teacher', 'teacher (a documentId) is required');
        const tier = oneOf(ctx, 'tier', ['A', 'B', 'C']);
        if (!tier) throw fieldError('tier', 'tier must be A, B or C');
        const schoolYear = assertSchoolYear(ctx.query.schoolYear);
        await assertTeacherInScope(strapi, scopeOf(actor), teacher);
        const { transcript, completed, missing } = await certificates(strapi).eligibility(teacher, tier, schoolYear);
        ctx.body = { data: { eligible: missing.length === 0, approvedHours: transcript.approvedHours, completed, missing } };
      },
      config: guarded('workspace.certificates-issue'),
    },
    {
      method: 'POST',
      path: '/certificates',
      handler: async (ctx) => {
        const { teacher, tier, schoolYear } = dataOf(ctx);
        const certificate = await certificates(strapi).issue(await panelActor(strapi, ctx), { teacher, tier, schoolYear });
        ctx.status = 201;
        ctx.body = { data: certificateOut(certificate) };
      },
      config: guarded('workspace.certificates-issue'),
    },
    {
      method: 'POST',
      path: '/certificates/:id/revoke',
      handler: async (ctx) => {
        const revoked = await certificates(strapi).revoke(await panelActor(strapi, ctx), String(ctx.params.id), dataOf(ctx).reason);
        ctx.body = { data: { documentId: revoked.documentId, status: revoked.status } };
      },
      config: guarded('workspace.certificates-issue'),
    },
    {
      method: 'GET',
      path: '/certificates/:id/pdf',
      handler: async (ctx) => {
        const certificate = await certificates(strapi).readable(await panelActor(strapi, ctx), String(ctx.params.id));
        if (!certificate) throw new errors.NotFoundError('Certificate not found');
        const pdf = await renderCertificatePdf(certificate, certificateVerifyUrl(strapi.config.get('server.url'), certificate.verificationCode));
        ctx.set('Content-Type', 'application/pdf');
        ctx.set('Content-Disposition', `attachment; filename="${certificate.serialNumber}.pdf"`);
        ctx.body = pdf;
      },
      config: guarded('workspace.certificates'),
    },
  ];
}

export const trainingRoutes = (strapi: Core.Strapi): WorkspaceRoute[] => [...importRoutes(strapi), ...rosterRoutes(strapi), ...certificateRoutes(strapi)];
