import { Book, Crown, Upload } from '@strapi/icons';
import type { WorkspacePage } from './registry';

/** Coordinators' pages: import wizard, course roster, certificates (a school's training lead reads the last two). */
export const trainingPages: WorkspacePage[] = [
  { id: 'imports', to: 'xinyu/imports', icon: Upload, label: { 'zh-Hans': '导入向导', en: 'Import wizard' }, action: 'api::workspace.imports', load: () => import('./ImportWizard') },
  { id: 'course-rosters', to: 'xinyu/course-rosters', icon: Book, label: { 'zh-Hans': '课程名单', en: 'Course rosters' }, action: 'api::workspace.course-rosters', load: () => import('./CourseRoster') },
  { id: 'certificates', to: 'xinyu/certificates', icon: Crown, label: { 'zh-Hans': '结业证书', en: 'Certificates' }, action: 'api::workspace.certificates', load: () => import('./Certificates') },
];
