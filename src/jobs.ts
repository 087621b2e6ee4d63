import type { Core } from '@strapi/strapi';
import { runScheduled } from './shared/cluster';
import { checkSearchIndex } from './content/search/index';

/*
 * Scheduled jobs. Every instance's cron fires; each run is claimed by one instance in Redis and the job runs
 * under a lock (src/shared/cluster.ts), so it runs once however many instances there are.
 */
export function scheduleJobs(strapi: Core.Strapi) {
  const schedules = strapi.config.get('cluster.schedules', {}) as { searchIndexCheck?: string };
  strapi.cron.add({
    // Nightly: the search index holds every published document, or it is rebuilt.
    searchIndexCheck: {
      task: async () => {
        const outcome = await runScheduled(strapi, 'search-index-check', () => checkSearchIndex(strapi));
        if (outcome.ran) strapi.log.info(`Search index check: ${JSON.stringify(outcome.result)}`);
      },
      options: { rule: schedules.searchIndexCheck || '30 3 * * *', tz: 'Asia/Shanghai' },
    },
  });
}
