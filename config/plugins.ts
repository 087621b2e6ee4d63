import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET'),
      jwt: { expiresIn: env('JWT_EXPIRES_IN', '7d') },
      // Sign-in and password routes: at most `max` requests per client IP and route per `interval` ms.
      ratelimit: {
        interval: env.int('AUTH_RATELIMIT_INTERVAL_MS', 60_000),
        max: env.int('AUTH_RATELIMIT_MAX', 10),
      },
      register: { allowedFields: [] },
    },
  },
});

export default config;
