import type { Core } from '@strapi/strapi';

// Attempts per client IP and route within `intervalMs` (src/shared/rate-limits.ts); shared by every instance
// through Redis when REDIS_URL is set (config/cluster.ts).
export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  // Content-API sign-in, password reset, activation (a reset code), email confirmation.
  auth: { intervalMs: env.int('AUTH_RATELIMIT_INTERVAL_MS', 60_000), max: env.int('AUTH_RATELIMIT_MAX', 10) },
  // Admin panel login, registration and password reset (Strapi's own default: 5 in 5 minutes).
  adminAuth: { intervalMs: env.int('ADMIN_RATELIMIT_INTERVAL_MS', 300_000), max: env.int('ADMIN_RATELIMIT_MAX', 5) },
  // Public certificate verification: nobody can enumerate codes.
  certificateVerify: { intervalMs: env.int('VERIFY_RATELIMIT_INTERVAL_MS', 60_000), max: env.int('VERIFY_RATELIMIT_MAX', 30) },
});
