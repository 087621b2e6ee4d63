import type { Core } from '@strapi/strapi';
import { onChange } from '../shared/cluster';
import { loadCallerProfile, type CallerAccount } from './actor';
import { subscribeTokenRevocation, withTokenRevocation, type AuthResult, type Strategy, type StrategyContext } from './token-revocation';

export { withStampedTokens } from './token-revocation';

/*
 * A short-lived cache in front of the users-permissions content-API authentication. Without it every
 * request verifies the JWT, loads the user and role, reads the plugin settings, loads the role's
 * permissions and compiles them into an ability: four queries and a CASL compile, more than most of our
 * endpoints cost themselves. A successful result is kept per token for `ttlMs` (capped at the token's
 * own expiry). Writes to users, roles, permissions or teacher profiles clear this instance's cache at
 * once, and every other instance's through Redis (src/shared/cluster.ts); should a message be lost, the
 * change is seen within `ttlMs` anyway:
 * a background renewal re-reads everything — the account (with its role and `tokensValidAfter`,
 * ./token-revocation.ts), the role's permissions and the caller profile (role, teacher positions,
 * school) — and never carries the old profile over, so nothing a cached entry says is older than `ttlMs`.
 */
interface Entry {
  result: AuthResult;
  user: unknown;
  /** When the entry is renewed in the background, and when it may no longer be served at all. */
  refreshAt: number;
  expires: number;
  refreshing?: boolean;
  /** Per-account facts derived from the user (the caller profile), dropped with the entry. */
  extras: Record<string, unknown>;
}

const cache = new Map<string, Entry>();
/** Moves on every invalidation: a sign-in read from the database before it is never cached after it. */
let generation = 0;
// Bearer tokens that are not API tokens (every sign-in JWT): the API-token strategy looks each one up in the
// database before users-permissions gets its turn. API-token keys are random, so a miss stays a miss.
const apiTokenMisses = new Map<string, number>();
let ttlMs = 10_000;
let maxEntries = 50_000;

export function configureAuthCache(options: { ttlMs?: number; maxEntries?: number }) {
  if (options.ttlMs !== undefined) ttlMs = options.ttlMs;
  if (options.maxEntries !== undefined) maxEntries = options.maxEntries;
  cache.clear();
  apiTokenMisses.clear();
}

/**
 * The single entry point for "an account, role, permission or teacher profile changed": every cached sign-in
 * and caller profile of this instance is dropped, and sign-ins being read right now are not cached.
 * Called for changes on any instance (subscribeAuthCacheInvalidation).
 */
export function invalidateAuth() {
  generation += 1;
  cache.clear();
}

export const clearAuthCache = invalidateAuth;

/** The admin's API-token lookup by key hash (null for no such token), marked once it remembers misses. */
type AccessKeyLookup = ((accessKeyHash: string, options?: unknown) => Promise<unknown>) & { cachesMisses?: boolean };

/**
 * The admin's API-token strategy runs before users-permissions and looks every bearer token up by its hash.
 * Misses are remembered: API-token keys are random, so a hash that matched nothing never will.
 */
export function cacheApiTokenMisses(strapi: Core.Strapi) {
  const service = strapi.service('admin::api-token-content-api') as { getByAccessKey?: AccessKeyLookup } | undefined;
  if (!service?.getByAccessKey || service.getByAccessKey.cachesMisses) return;
  const lookup = service.getByAccessKey;
  const cachedLookup = async (accessKeyHash: string, options?: unknown) => {
    const now = Date.now();
    if (ttlMs > 0 && (apiTokenMisses.get(accessKeyHash) ?? 0) > now) return null;
    const token = await lookup(accessKeyHash, options);
    if (token == null && ttlMs > 0) {
      if (apiTokenMisses.size >= maxEntries) apiTokenMisses.delete(apiTokenMisses.keys().next().value as string);
      apiTokenMisses.set(accessKeyHash, now + ttlMs);
    }
    return token;
  };
  service.getByAccessKey = Object.assign(cachedLookup, { cachesMisses: true });
}

/** Wraps the users-permissions content-API strategy as it is registered. */
export function wrapContentApiStrategies(auth: { register(type: string, strategy: Strategy): unknown }) {
  const register = auth.register;
  auth.register = function (type: string, strategy: Strategy) {
    if (type === 'content-api' && strategy?.name === 'users-permissions') {
      return register.call(this, type, withAuthCache(withTokenRevocation(strategy)));
    }
    return register.call(this, type, strategy);
  };
}

/** The JWT's own expiry (seconds since epoch) in ms; the token was verified before it is cached. */
function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity;
  } catch {
    return 0;
  }
}

function bearerToken(ctx: StrategyContext): string | null {
  const header: unknown = ctx.request?.header?.authorization;
  if (typeof header !== 'string') return null;
  // Exactly as users-permissions reads it: "Bearer <token>" and nothing else.
  const parts = header.split(/\s+/);
  return parts.length === 2 && parts[0].toLowerCase() === 'bearer' && parts[1] ? parts[1] : null;
}

function remember(token: string, result: AuthResult, user: unknown, extras: Record<string, unknown>): Entry {
  const now = Date.now();
  // Jitter, so the tokens first seen together (a class signing in) do not all expire together.
  const lifetime = ttlMs * (0.8 + Math.random() * 0.2);
  const entry: Entry = { result, user, refreshAt: now + lifetime * 0.75, expires: Math.min(now + lifetime, tokenExpiry(token)), extras };
  if (!cache.has(token) && cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
  cache.set(token, entry);
  return entry;
}

export function withAuthCache(strategy: Strategy): Strategy {
  /**
   * Past three quarters of its life an entry is still served, and checked again off the request path, so a
   * busy token never waits for the database; an entry is never served past its expiry.
   */
  const refresh = (token: string, entry: Entry, authorization: string) => {
    entry.refreshing = true;
    const seen = generation;
    const probe: StrategyContext = { request: { header: { authorization } }, state: {} };
    // Everything is read again: account, token stamp, role, permissions, and the caller profile (fresh extras).
    renew(probe).then(
      ({ result, extras }) => {
        if (cache.get(token) !== entry || generation !== seen) return; // cleared by a write meanwhile
        if (result?.authenticated && result.credentials) remember(token, result, probe.state.user, extras);
        else cache.delete(token);
      },
      () => {
        if (cache.get(token) === entry) cache.delete(token);
      }
    );
  };
  const renew = async (probe: StrategyContext) => {
    const result = await strategy.authenticate(probe);
    const extras: Record<string, unknown> = {};
    if (result?.authenticated && result.credentials) {
      extras.callerProfile = await loadCallerProfile(globalThis.strapi, probe.state.user as CallerAccount | undefined);
    }
    return { result, extras };
  };

  return {
    ...strategy,
    async authenticate(ctx: StrategyContext) {
      const token = ttlMs > 0 ? bearerToken(ctx) : null;
      if (!token) return strategy.authenticate(ctx);
      const now = Date.now();
      const hit = cache.get(token);
      if (hit && hit.expires > now) {
        if (!hit.refreshing && hit.refreshAt <= now) refresh(token, hit, ctx.request.header.authorization);
        ctx.state.user = hit.user;
        ctx.state.authCacheExtras = hit.extras;
        return hit.result;
      }
      if (hit) cache.delete(token);
      const seen = generation;
      const result = await strategy.authenticate(ctx);
      if (result?.authenticated && result.credentials) {
        // Not cached if a write happened while it was being read: it may describe the account before the write.
        ctx.state.authCacheExtras = generation === seen ? remember(token, result, ctx.state.user, {}).extras : {};
      }
      return result;
    },
  };
}

/** What a sign-in depends on: the account, its role and permissions, the teacher profile and the staff scope behind it. */
const AUTH_MODELS = ['plugin::users-permissions.user', 'plugin::users-permissions.role', 'plugin::users-permissions.permission', 'api::teacher.teacher', 'api::staff-scope.staff-scope', 'api::school.school'];

/**
 * Accounts, roles, permissions and teacher profiles: any write to them empties the cache; writes that change
 * a password, a block, a role or a teacher's positions also end the account's earlier tokens (revocation.ts).
 */
export function subscribeAuthCacheInvalidation(strapi: Core.Strapi) {
  subscribeTokenRevocation(strapi);
  // On this instance at once and again after commit (a sign-in read in between would see the old account),
  // and on every other instance through src/shared/cluster.ts.
  onChange(strapi, AUTH_MODELS, invalidateAuth);
}

