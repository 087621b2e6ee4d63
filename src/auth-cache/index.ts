import type { Core } from '@strapi/strapi';

/*
 * A short-lived cache in front of the users-permissions content-API authentication. Without it every
 * request verifies the JWT, loads the user and role, reads the plugin settings, loads the role's
 * permissions and compiles them into an ability: four queries and a CASL compile, more than most of our
 * endpoints cost themselves. A successful result is kept per token for `ttlMs` (capped at the token's
 * own expiry). Writes to users, roles, permissions or teacher profiles clear this instance's cache at
 * once; other instances see such a change within `ttlMs` (blocking a user takes effect within seconds).
 */
interface Entry {
  result: Record<string, unknown>;
  user: unknown;
  expires: number;
  /** Per-account facts derived from the user (the caller profile), dropped with the entry. */
  extras: Record<string, unknown>;
}

interface Strategy {
  name: string;
  authenticate(ctx: any): Promise<any>;
  verify?(auth: any, config: any): Promise<any>;
}

const cache = new Map<string, Entry>();
let ttlMs = 10_000;
let maxEntries = 50_000;

export function configureAuthCache(options: { ttlMs?: number; maxEntries?: number }) {
  if (options.ttlMs !== undefined) ttlMs = options.ttlMs;
  if (options.maxEntries !== undefined) maxEntries = options.maxEntries;
  cache.clear();
}

export const clearAuthCache = () => cache.clear();

/** The JWT's own expiry (seconds since epoch) in ms; the token was verified before it is cached. */
function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity;
  } catch {
    return 0;
  }
}

function bearerToken(ctx: any): string | null {
  const header: unknown = ctx.request?.header?.authorization;
  if (typeof header !== 'string') return null;
  const [scheme, token] = header.split(/\s+/);
  return scheme?.toLowerCase() === 'bearer' && token ? token : null;
}

export function withAuthCache(strategy: Strategy): Strategy {
  return {
    ...strategy,
    async authenticate(ctx: any) {
      const token = ttlMs > 0 ? bearerToken(ctx) : null;
      if (!token) return strategy.authenticate(ctx);
      const now = Date.now();
      const hit = cache.get(token);
      if (hit && hit.expires > now) {
        ctx.state.user = hit.user;
        ctx.state.authCacheExtras = hit.extras;
        return hit.result;
      }
      if (hit) cache.delete(token);
      const result = await strategy.authenticate(ctx);
      if (result?.authenticated && result.credentials) {
        const entry = { result, user: ctx.state.user, expires: Math.min(now + ttlMs, tokenExpiry(token)), extras: {} };
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(token, entry);
        ctx.state.authCacheExtras = entry.extras;
      }
      return result;
    },
  };
}

/** Accounts, roles, permissions and teacher profiles: any write to them empties the cache. */
export function subscribeAuthCacheInvalidation(strapi: Core.Strapi) {
  strapi.db.lifecycles.subscribe({
    models: ['plugin::users-permissions.user', 'plugin::users-permissions.role', 'plugin::users-permissions.permission', 'api::teacher.teacher'],
    afterCreate: clearAuthCache,
    afterCreateMany: clearAuthCache,
    afterUpdate: clearAuthCache,
    afterUpdateMany: clearAuthCache,
    afterDelete: clearAuthCache,
    afterDeleteMany: clearAuthCache,
  });
}
