import type { Core } from '@strapi/strapi';

/*
 * Sign-in tokens die with the password, the block, the role or the teacher's posts.
 *
 * Every JWT users-permissions signs carries `iatMs`, a stamp from the clock below; every account has a private
 * `tokensValidAfter` stamp (src/extensions/users-permissions). A token is refused when its stamp is older than
 * the account's. The stamp is moved forward whenever a password is set, `blocked` changes, the role changes or
 * the linked teacher profile's positions change — by database lifecycles, so REST, the admin content manager,
 * the Document Service and db.query writes are all seen.
 *
 * Why a stamp and not a per-user version counter: users-permissions signs synchronously with only `{ id }`
 * (`ctx.send({ jwt: jwtService.issue({ id }) })`, and so do services and tests), so the signer cannot read the
 * account's current version without changing every caller. JWT `iat` has one-second resolution, so a token
 * signed in the same second as a change would be wrongly kept or wrongly killed. The stamp is therefore in
 * milliseconds and strictly increasing within the process (`Date.now()`, bumped by 1 on a tie): on one instance
 * every token signed before a change has a smaller stamp than the change and every token signed after it
 * (e.g. the one change-password returns) a larger one — no ties, whatever the second. Across instances the
 * comparison is only as good as the clocks' agreement (NTP: milliseconds); see README "Running beyond one machine".
 * Tokens from before this scheme have no `iatMs`; their `iat` (seconds) is read as the start of that second,
 * so a change in the same second kills them (the safe side).
 */
export const STAMP_CLAIM = 'iatMs';
export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';
export const TEACHER_UID = 'api::teacher.teacher';

let lastStamp = 0;
/** Strictly increasing milliseconds: two calls never return the same value in this process. */
export function nextStamp(): number {
  const now = Date.now();
  lastStamp = now > lastStamp ? now : lastStamp + 1;
  return lastStamp;
}

/** The stamp of a (verified) token: `iatMs`, else the start of its `iat` second, else 0 (oldest possible). */
export function tokenStamp(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    if (typeof payload[STAMP_CLAIM] === 'number') return payload[STAMP_CLAIM];
    if (typeof payload.iat === 'number') return payload.iat * 1000;
  } catch {
    /* unreadable: treated as the oldest token */
  }
  return 0;
}

/** Whether a token signed at `stamp` is still good for an account row carrying `tokensValidAfter`. */
export function stampStillValid(stamp: number, user: { tokensValidAfter?: unknown } | null | undefined): boolean {
  const after = user?.tokensValidAfter;
  if (after === null || after === undefined || after === '') return true;
  const limit = Number(after);
  return !Number.isFinite(limit) || stamp >= limit;
}

/** The part of the users-permissions jwt service that is wrapped: its signer. */
export interface TokenSigner {
  issue(payload: unknown, jwtOptions?: unknown): unknown;
}

/** Adds the stamp to every JWT the users-permissions jwt service signs (legacy mode; refresh mode is not used). */
export function withStampedTokens<TDeps, TService extends TokenSigner>(factory: (deps: TDeps) => TService) {
  return (deps: TDeps) => {
    const service = factory(deps);
    const issue = service.issue;
    service.issue = function (this: TService, payload: unknown, jwtOptions?: unknown) {
      const plain = payload && typeof (payload as { toJSON?: unknown }).toJSON === 'function' ? (payload as { toJSON(): unknown }).toJSON() : payload;
      if (!plain || typeof plain !== 'object') return issue.call(this, payload, jwtOptions);
      return issue.call(this, { ...plain, [STAMP_CLAIM]: nextStamp() }, jwtOptions);
    };
    return service;
  };
}

/**
 * The request as a content-API strategy reads it: the Authorization header, and `state` where it puts the
 * account. Strapi passes its Koa context; the sign-in cache also passes a bare probe of this shape.
 */
export interface StrategyContext {
  request: { header: { authorization?: string } };
  state: Record<string, unknown>;
}

/**
 * What a content-API strategy answers. users-permissions refuses with `error` as a string, which Strapi's
 * own `Modules.Auth` type (an Error) does not allow, so strategies are typed here.
 */
export interface AuthResult {
  authenticated?: boolean;
  credentials?: unknown;
  ability?: unknown;
  error?: unknown;
}

export interface Strategy {
  name: string;
  authenticate(ctx: StrategyContext): Promise<AuthResult>;
  verify?(auth: unknown, config: unknown): Promise<unknown>;
}

function bearer(ctx: StrategyContext): string | null {
  const header: unknown = ctx.request?.header?.authorization;
  if (typeof header !== 'string') return null;
  const parts = header.split(/\s+/);
  return parts.length === 2 && parts[0].toLowerCase() === 'bearer' && parts[1] ? parts[1] : null;
}

/**
 * Wraps the users-permissions strategy: after it has verified the signature and loaded the account (a fresh
 * row, with `tokensValidAfter`), a token signed before the account's last change is refused (401).
 */
export function withTokenRevocation(strategy: Strategy): Strategy {
  return {
    ...strategy,
    async authenticate(ctx: StrategyContext) {
      const result = await strategy.authenticate(ctx);
      if (!result?.authenticated || !result.credentials) return result;
      const token = bearer(ctx);
      // The credentials of a users-permissions sign-in are the account row, `tokensValidAfter` included.
      if (token && !stampStillValid(tokenStamp(token), result.credentials as { tokensValidAfter?: unknown })) {
        if (ctx.state) delete ctx.state.user;
        return { error: 'Invalid credentials' };
      }
      return result;
    },
  };
}

/** Ends every token of these accounts signed before `stamp` (default: now). */
export async function revokeTokens(strapi: Core.Strapi, userIds: Iterable<number>, stamp = nextStamp()) {
  for (const id of new Set(userIds)) {
    if (id == null) continue;
    await strapi.db.query(USER_UID).update({ where: { id }, data: { tokensValidAfter: stamp } });
  }
}

/** A relation as the query engine returns it: a populated row, an id, or nothing. */
const relationId = (value: unknown): number | null =>
  value && typeof value === 'object' ? ((value as { id?: number }).id ?? null) : ((value ?? null) as number | null);
const positionsKey = (value: unknown): string => (Array.isArray(value) ? [...value].map(String).sort().join(',') : JSON.stringify(value ?? null));
const has = (data: unknown, key: string): boolean => !!data && typeof data === 'object' && (data as Record<string, unknown>)[key] !== undefined;

type Snapshot = Map<number, string>;
type Where = Record<string, unknown>;

interface Watched {
  touches(data: unknown): boolean;
  snapshot(strapi: Core.Strapi, where: Where): Promise<Snapshot>;
  owners(strapi: Core.Strapi, before: Snapshot, after: Snapshot): Promise<number[]>;
}

/**
 * What of an account, role or teacher row decides what its tokens may do, keyed by the row id; compared before
 * and after a write. Only writes that touch those fields are looked at.
 */
const WATCHED: Record<string, Watched> = {
  [USER_UID]: {
    touches: (data) => has(data, 'blocked') || has(data, 'role'),
    async snapshot(strapi, where) {
      const rows = await strapi.db.query(USER_UID).findMany({ where, select: ['id', 'blocked'], populate: { role: { select: ['id'] } } });
      return new Map(rows.map((row: { id: number; blocked?: boolean | null; role?: unknown }) => [row.id, `${!!row.blocked}|${relationId(row.role)}`]));
    },
    async owners(_strapi, before, after) {
      return [...before.keys()].filter((id) => after.has(id) && after.get(id) !== before.get(id));
    },
  },
  [ROLE_UID]: {
    // The role's side of the user–role relation ("users: { connect: … }").
    touches: (data) => has(data, 'users'),
    async snapshot(strapi, where) {
      const rows = await strapi.db.query(ROLE_UID).findMany({ where, select: ['id'], populate: { users: { select: ['id'] } } });
      return new Map(rows.map((row: { id: number; users?: { id: number }[] | null }) => [row.id, (row.users ?? []).map((user) => user.id).sort().join(',')]));
    },
    async owners(_strapi, before, after) {
      const ids: number[] = [];
      for (const [id, users] of before) {
        const was = new Set(users.split(',').filter(Boolean));
        const now = new Set((after.get(id) ?? '').split(',').filter(Boolean));
        for (const user of new Set([...was, ...now])) if (was.has(user) !== now.has(user)) ids.push(Number(user));
      }
      return ids;
    },
  },
  [TEACHER_UID]: {
    touches: (data) => has(data, 'positions'),
    async snapshot(strapi, where) {
      const rows = await strapi.db.query(TEACHER_UID).findMany({ where, select: ['id', 'positions'], populate: { user: { select: ['id'] } } });
      return new Map(rows.map((row: { id: number; user?: unknown; positions?: unknown }) => [row.id, `${relationId(row.user)}|${positionsKey(row.positions)}`]));
    },
    async owners(_strapi, before, after) {
      const ids: number[] = [];
      for (const [id, was] of before) {
        const now = after.get(id);
        if (now === undefined || now === was) continue;
        const user = Number(was.split('|')[0]);
        if (Number.isFinite(user)) ids.push(user);
      }
      return ids;
    },
  },
};

/** A database lifecycle event, as `strapi.db.lifecycles.subscribe` hands it to a subscriber function. */
type LifecycleSubscriber = Parameters<Core.Strapi['db']['lifecycles']['subscribe']>[0];
type LifecycleEvent = Parameters<Extract<LifecycleSubscriber, (...args: never[]) => unknown>>[0];

/** What `before` leaves in the event's state for `after`: the stamp, and the accounts or rows to compare. */
interface RevocationState {
  stamp?: number;
  ids?: number[];
  snapshot?: Snapshot;
}

/**
 * The database lifecycles that move `tokensValidAfter`. The stamp is taken before the write, so a token signed
 * after the write (the fresh one change-password returns) is newer, and one signed before it is older.
 */
export function subscribeTokenRevocation(strapi: Core.Strapi) {
  const before = async (event: LifecycleEvent) => {
    const watched = WATCHED[event.model.uid];
    const { where, data } = event.params ?? {};
    const password = event.model.uid === USER_UID && typeof data?.password === 'string' && data.password !== '';
    if (!password && !watched?.touches(data)) return;
    const state = event.state as RevocationState;
    state.stamp = nextStamp();
    if (password && event.action === 'beforeUpdate') {
      // Written in the same statement as the new password: atomic with it.
      data.tokensValidAfter = state.stamp;
      return;
    }
    if (!where) return;
    if (password) {
      state.ids = (await strapi.db.query(USER_UID).findMany({ where, select: ['id'] })).map((row: { id: number }) => row.id);
    } else {
      state.snapshot = await watched.snapshot(strapi, where);
    }
  };
  const after = async (event: LifecycleEvent) => {
    const state: RevocationState = event.state ?? {};
    if (!state.stamp) return;
    const watched = WATCHED[event.model.uid];
    let owners: number[] = state.ids ?? [];
    if (state.snapshot) {
      const ids = [...state.snapshot.keys()];
      const now = ids.length ? await watched.snapshot(strapi, { id: { $in: ids } }) : new Map();
      owners = owners.concat(await watched.owners(strapi, state.snapshot, now));
    }
    if (owners.length > 0) await revokeTokens(strapi, owners, state.stamp);
  };
  strapi.db.lifecycles.subscribe({
    models: Object.keys(WATCHED),
    beforeUpdate: before,
    beforeUpdateMany: before,
    afterUpdate: after,
    afterUpdateMany: after,
  });
}
