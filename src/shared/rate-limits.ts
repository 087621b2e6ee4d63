import type { Core } from '@strapi/strapi';
import path from 'path';
import { errors } from '@strapi/utils';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { redisOf } from './cluster';

/*
 * Rate limits on the routes an attacker would hammer: content-API sign-in, password reset and activation
 * (an activation code is a reset code), the admin panel's login and password routes, and public certificate
 * verification. Each budget is per client IP and route (the route's pattern, so `/verify/A` and `/verify/B`
 * share one, and so do `/api/auth/local/` and `/API/auth/local`). With `REDIS_URL` the counters live in Redis
 * (rate-limiter-flexible, one atomic increment per attempt), so any number of instances together allow
 * exactly the budget; without it they live in this process (one instance). Should Redis be unreachable,
 * each instance falls back to its own counters rather than refusing every sign-in.
 *
 * Strapi's own limiters (users-permissions', the admin's and the email plugin's, each an in-process
 * koa2-ratelimit) are replaced by this one under their own names, so every route that used them uses it.
 */

export type RateLimitGroup = 'auth' | 'adminAuth' | 'certificateVerify';

interface Budget {
  intervalMs: number;
  max: number;
}

/** Successful sign-ins give their attempt back: only failures use up the budget (a school shares one IP). */
const REFUND_SUCCESS: Record<RateLimitGroup, boolean> = { auth: true, adminAuth: true, certificateVerify: false };
/** Only these routes refund: a successful reset or verification is still an attempt. */
const SIGN_IN_ROUTES = new Set(['/api/auth/local', '/admin/login']);

const limiters = new WeakMap<Core.Strapi, Map<RateLimitGroup, RateLimiterAbstract>>();

function limiterFor(strapi: Core.Strapi, group: RateLimitGroup): RateLimiterAbstract {
  let byGroup = limiters.get(strapi);
  if (!byGroup) limiters.set(strapi, (byGroup = new Map()));
  let limiter = byGroup.get(group);
  if (!limiter) {
    const budget = strapi.config.get(`rate-limits.${group}`) as Budget;
    const options = { points: budget.max, duration: Math.max(1, Math.ceil(budget.intervalMs / 1000)), keyPrefix: `rl:${group}` };
    const shared = redisOf(strapi);
    limiter = shared
      ? new RateLimiterRedis({
          ...options,
          storeClient: shared.redis,
          keyPrefix: `${shared.prefix}${options.keyPrefix}`,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(options),
        })
      : new RateLimiterMemory(options);
    byGroup.set(group, limiter);
  }
  return limiter;
}

/** The route as declared (`/api/certificates/verify/:code`), else the request path normalised. */
function routeKey(ctx: { _matchedRoute?: unknown; request: { path: unknown } }): string {
  if (typeof ctx._matchedRoute === 'string') return ctx._matchedRoute.toLowerCase();
  const raw = typeof ctx.request.path === 'string' ? ctx.request.path : '';
  return path.posix.normalize(raw).toLowerCase().replace(/\/+$/, '') || '/';
}

type KoaLike = { _matchedRoute?: unknown; request: { path: unknown; ip: string }; status: number; set(name: string, value: string): void };

/** A route middleware limiting `group`; also registered under the names of Strapi's own limiters. */
export function rateLimitMiddleware(group: RateLimitGroup) {
  return (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
    async (ctx: KoaLike, next: () => Promise<unknown>) => {
      const route = routeKey(ctx);
      // An IPv4 client reached over an IPv6 socket is the same client.
      const key = `${route}:${ctx.request.ip.replace(/^::ffff:/, '')}`;
      const limiter = limiterFor(strapi, group);
      try {
        await limiter.consume(key, 1);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        ctx.set('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
        throw new errors.RateLimitError();
      }
      await next();
      if (REFUND_SUCCESS[group] && SIGN_IN_ROUTES.has(route) && ctx.status < 400) {
        await limiter.reward(key, 1).catch(() => undefined);
      }
    };
}

/**
 * Register: Strapi's limiters are looked up by name when routes are mounted (after bootstrap), so replacing
 * them here puts every auth route of users-permissions, the admin and the email plugin on the shared budget.
 */
export function useSharedRateLimits(strapi: Core.Strapi) {
  const registry = strapi.get('middlewares') as { set(uid: string, middleware: unknown): unknown };
  registry.set('plugin::users-permissions.rateLimit', rateLimitMiddleware('auth'));
  registry.set('admin::rateLimit', rateLimitMiddleware('adminAuth'));
  registry.set('plugin::email.rateLimit', rateLimitMiddleware('adminAuth'));
}
