import type { StrapiApp } from '@strapi/strapi/admin';
import { ChartPie, PresentationChart } from '@strapi/icons';
import labels from '../../database/reference/admin-labels.json';
import { approvalPages, type WorkspacePage } from './pages/registry';
import { trainingPages } from './pages/training';
import { libraryPages } from './pages/library';

const pages: WorkspacePage[] = [...approvalPages, ...trainingPages, ...libraryPages];
const pageMessages = (locale: 'zh-Hans' | 'en') => Object.fromEntries(pages.map((page) => [`xinyu.pages.${page.id}`, page.label[locale]]));

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
    translations: {
      'zh-Hans': { ...optionMessages('zh-Hans'), 'xinyu.widgets.library-progress': '资源库进度（100/100/100）', 'xinyu.widgets.compliance': '本学年学时达标', ...pageMessages('zh-Hans') },
      en: { ...optionMessages('en'), 'xinyu.widgets.library-progress': 'Library progress (100/100/100)', 'xinyu.widgets.compliance': 'Credit-hour compliance this school year', ...pageMessages('en') },
    },
    tutorials: false,
    notifications: { releases: false },
  },
  register(app: StrapiApp) {
    // Workspace pages, each in the menu only for staff whose role grants its permission.
    for (const page of pages) {
      app.addMenuLink({
        to: page.to,
        icon: page.icon,
        intlLabel: { id: `xinyu.pages.${page.id}`, defaultMessage: `${page.label['zh-Hans']} ${page.label.en}` },
        Component: page.load,
        permissions: [{ action: page.action, subject: null }],
      });
    }
    // Homepage widgets, each shown only to staff whose role grants its workspace permission (admin-roles.json).
    app.widgets.register([
      {
        id: 'xinyu-library-progress',
        icon: ChartPie,
        title: { id: 'xinyu.widgets.library-progress', defaultMessage: '资源库进度 Library progress (100/100/100)' },
        component: async () => (await import('./widgets/LibraryProgress')).LibraryProgressWidget,
        permissions: [{ action: 'api::workspace.library-progress' }],
      },
      {
        id: 'xinyu-compliance',
        icon: PresentationChart,
        title: { id: 'xinyu.widgets.compliance', defaultMessage: '本学年学时达标 Compliance this school year' },
        component: async () => (await import('./widgets/Compliance')).ComplianceWidget,
        permissions: [{ action: 'api::workspace.compliance' }],
      },
    ]);
  },
  bootstrap(_app: StrapiApp) {},
};
