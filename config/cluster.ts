import type { Core } from '@strapi/strapi';

// Several instances on one database need one Redis (README, "Running beyond one machine"): caches follow
// every instance's writes, rate limits are shared and jobs run once (src/shared/cluster.ts). One instance
// needs none of it: leave REDIS_URL unset.
export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  redisUrl: env('REDIS_URL', ''),
  // Every key and channel of this deployment starts with it, so deployments can share one Redis.
  redisPrefix: env('REDIS_PREFIX', 'xinyu:'),
  // Scheduled jobs (cron rules, China time; src/jobs.ts).
  schedules: { searchIndexCheck: env('SEARCH_INDEX_CHECK_CRON', '30 3 * * *') },
});
