import { RateLimit, Stores } from 'koa2-ratelimit';
import { errors } from '@strapi/utils';

/**
 * Public verification is rate-limited per client IP (default 30 a minute), with its own counter store,
 * so nobody can enumerate codes; the code space (≈100 bits) does the rest.
 */
export default (config: { interval?: number; max?: number } = {}) =>
  RateLimit.middleware({
    interval: config.interval ?? Number(process.env.VERIFY_RATELIMIT_INTERVAL_MS ?? 60_000),
    max: config.max ?? Number(process.env.VERIFY_RATELIMIT_MAX ?? 30),
    prefixKey: 'certificate-verify',
    store: new Stores.Memory(),
    handler() {
      throw new errors.RateLimitError();
    },
  });
