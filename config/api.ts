import type { Core } from '@strapi/strapi';

const config: Core.Config.Api = {
  rest: {
    defaultLimit: 25,
    maxLimit: 100,
    withCount: true,
    // Unknown top-level query/body keys are rejected with 400 instead of silently ignored.
    strictParams: true,
  },
  documents: {
    strictParams: true,
  },
};

export default config;
