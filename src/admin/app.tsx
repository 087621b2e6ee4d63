import type { StrapiApp } from '@strapi/strapi/admin';
import labels from '../../database/reference/admin-labels.json';

type OptionLabels = Record<string, { 'zh-Hans': string; en: string }>;

/**
 * Option values (positions, stages, statuses, tiers …) in the panel's language. The Content Manager shows an
 * enumeration's options and filters through the translation whose id is the value itself; field labels are
 * set in its configuration at boot (src/platform/admin-labels.ts), from the same versioned file.
 */
const optionMessages = (locale: 'zh-Hans' | 'en') =>
  Object.fromEntries(Object.entries(labels.options as OptionLabels).map(([value, text]) => [value, text[locale]]));

export default {
  config: {
    // English ships by default; Simplified Chinese is the primary language of our users.
    locales: ['zh-Hans'],
    translations: { 'zh-Hans': optionMessages('zh-Hans'), en: optionMessages('en') },
    tutorials: false,
    notifications: { releases: false },
  },
  bootstrap(_app: StrapiApp) {},
};
