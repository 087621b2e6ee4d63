import type { StrapiApp } from '@strapi/strapi/admin';

export default {
  config: {
    // English ships by default; Simplified Chinese is the primary language of our users.
    locales: ['zh-Hans'],
    tutorials: false,
    notifications: { releases: false },
  },
  bootstrap(_app: StrapiApp) {},
};
