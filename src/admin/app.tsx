import type { StrapiApp } from '@strapi/strapi/admin';
import { ChartPie, CheckCircle, PresentationChart } from '@strapi/icons';
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
    translations: {
      'zh-Hans': { ...optionMessages('zh-Hans'), 'xinyu.widgets.library-progress': '资源库进度（100/100/100）', 'xinyu.widgets.compliance': '本学年学时达标', 'xinyu.pages.approvals': '学时审批' },
      en: { ...optionMessages('en'), 'xinyu.widgets.library-progress': 'Library progress (100/100/100)', 'xinyu.widgets.compliance': 'Credit-hour compliance this school year', 'xinyu.pages.approvals': 'Credit-hour approvals' },
    },
    tutorials: false,
    notifications: { releases: false },
  },
  register(app: StrapiApp) {
    // Workspace pages, each in the menu only for staff whose role grants its permission.
    app.addMenuLink({
      to: 'xinyu/approvals',
      icon: CheckCircle,
      intlLabel: { id: 'xinyu.pages.approvals', defaultMessage: '学时审批 Approvals' },
      Component: () => import('./pages/Approvals'),
      permissions: [{ action: 'api::workspace.approvals', subject: null }],
    });
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
