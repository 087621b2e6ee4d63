import type { Core } from '@strapi/strapi';
import { isMentalHealthTeacher, type TeacherPosition } from './teacher-positions';
import { scopeOfAccount, type Scope } from './scope';

/** The end-user roles of database/reference/roles.json, plus Strapi's own `public` and `authenticated`. */
export type Role = 'public' | 'authenticated' | 'teacher' | 'researcher' | 'coordinator';
const ROLES: readonly Role[] = ['public', 'authenticated', 'teacher', 'researcher', 'coordinator'];

/**
 * The actor: who calls, resolved once per request (and kept with the cached sign-in) and passed to services,
 * which decide scoping from it. `account` is the signed-in user (null for the public).
 */
export interface CallerProfile {
  role: Role;
  account: { id: number; documentId: string; username: string } | null;
  teacher: { documentId: string; positions: TeacherPosition[]; schoolDocumentId: string | null; mhPostConfirmed?: boolean } | null;
  /** Where a coordinator or researcher works (src/platform/scope.ts); null for everyone else. */
  scope: Scope | null;
}
export type Actor = CallerProfile;

/** The signed-in account as users-permissions puts it on `ctx.state.user` (with its role populated). */
export interface CallerAccount {
  id: number | string;
  documentId?: string;
  username?: string;
  role?: { type?: string } | null;
}

/** What a request context (Koa's, a policy's) carries for the caller: the account and the profile kept with it. */
export interface CallerState {
  user?: CallerAccount | null;
  callerProfile?: CallerProfile;
  authCacheExtras?: { callerProfile?: CallerProfile };
}

/** Any request context the caller profile can be read from and kept on. */
export type CallerContext = { state: CallerState };

/** Who is calling: role type and teacher profile, loaded once per request. */
export async function callerProfile(strapi: Core.Strapi, ctx: CallerContext): Promise<CallerProfile> {
  if (ctx.state.callerProfile) return ctx.state.callerProfile;
  // Kept with the cached sign-in (src/auth-cache), which is dropped whenever an account or teacher profile
  // changes and re-reads the profile whenever it is renewed.
  const extras = ctx.state.authCacheExtras;
  if (extras?.callerProfile) return (ctx.state.callerProfile = extras.callerProfile);
  const profile = await loadCallerProfile(strapi, ctx.state.user);
  ctx.state.callerProfile = profile;
  if (extras) extras.callerProfile = profile;
  return profile;
}

/** Reads the caller profile of an authenticated account (or the public one) from the database. */
export async function loadCallerProfile(strapi: Core.Strapi, user: CallerAccount | null | undefined): Promise<CallerProfile> {
  const teacher = user
    ? await strapi.documents('api::teacher.teacher').findFirst({
        filters: { user: { id: user.id } },
        fields: ['positions', 'mhPostConfirmedAt', 'mhPostPending'],
        populate: { school: { fields: ['documentId'] } },
      })
    : null;
  const type = user?.role?.type ?? 'public';
  // A role made by hand in the admin panel is none of ours: it gets what any signed-in account gets.
  const role: Role = ROLES.includes(type as Role) ? (type as Role) : 'authenticated';
  // Staff without an assigned scope work city-wide, as every coordinator and researcher did before levels.
  const scope = user && (role === 'coordinator' || role === 'researcher') ? ((await scopeOfAccount(strapi, Number(user.id))) ?? { level: 'city' as const }) : null;
  return {
    scope,
    role,
    account: user ? { id: Number(user.id), documentId: String(user.documentId ?? ''), username: String(user.username ?? '') } : null,
    teacher: teacher
      ? {
          documentId: teacher.documentId,
          positions: teacher.positions as TeacherPosition[],
          schoolDocumentId: teacher.school?.documentId ?? null,
          mhPostConfirmed: isMhPostConfirmed(teacher),
        }
      : null,
  };
}

export const isResearcher = (actor: Actor) => actor.role === 'researcher';
export const isCoordinator = (actor: Actor) => actor.role === 'coordinator';
export const isTeacher = (actor: Actor) => actor.role === 'teacher';

/** The signed-in account of an actor on a route that requires one (the route's auth guarantees it). */
export function accountOf(actor: Actor): NonNullable<Actor['account']> {
  if (!actor.account) throw new Error('this route needs a signed-in account');
  return actor.account;
}

/** The scope of a staff actor (city for anyone else a service treats as staff). */
export const scopeOf = (actor: Actor): Scope => actor.scope ?? { level: 'city' };

/** A mental-health post counts once a researcher has confirmed it (src/mh-post) and no newer mh post awaits confirmation. */
export const isMhPostConfirmed = (teacher: { mhPostConfirmedAt?: unknown; mhPostPending?: unknown } | null | undefined) =>
  !!teacher?.mhPostConfirmedAt && !teacher.mhPostPending;

/** Counselling cases are for researchers and for teachers holding a researcher-confirmed mental-health post (A tier). */
export function canReadCounselingCases(profile: CallerProfile): boolean {
  if (isResearcher(profile)) return true;
  return profile.role === 'teacher' && !!profile.teacher && isMentalHealthTeacher(profile.teacher.positions) && profile.teacher.mhPostConfirmed === true;
}
