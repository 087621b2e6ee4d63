import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  // Behind a load balancer the public URL and proxy headers matter for links and rate limiting by client IP.
  url: env('PUBLIC_URL', ''),
  proxy: { koa: env.bool('IS_PROXIED', false) },
  app: {
    keys: env.array('APP_KEYS'),
  },
  // Every instance may run cron: each scheduled run is claimed by one instance in Redis (src/jobs.ts).
  cron: { enabled: env.bool('CRON_ENABLED', true) },
  // No update checks: bureaus run offline or behind firewalls, and upgrades are a reviewed change.
  logger: { updates: { enabled: false } },
});

export default config;
