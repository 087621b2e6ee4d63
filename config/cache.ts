import type { Core } from '@strapi/strapi';

// In-process caches (0 turns one off). auth: successful content-API sign-ins per token (src/platform/sign-in-cache.ts);
// reads: shared published-content list pages and search results, dropped on writes (src/shared/read-cache.ts).
export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  auth: { ttlMs: env.int('AUTH_CACHE_TTL_MS', 10_000), maxEntries: env.int('AUTH_CACHE_MAX_ENTRIES', 50_000) },
  reads: { ttlMs: env.int('READ_CACHE_TTL_MS', 30_000), maxEntries: env.int('READ_CACHE_MAX_ENTRIES', 5_000) },
});
