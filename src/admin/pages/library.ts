import { ChartPie, Crown, Pencil } from '@strapi/icons';
import type { WorkspacePage } from './registry';

/** Researchers' pages: selection round board, library progress, drafts awaiting review. */
export const libraryPages: WorkspacePage[] = [
  { id: 'selection', to: 'xinyu/selection', icon: Crown, label: { 'zh-Hans': '遴选工作台', en: 'Selection rounds' }, action: 'api::workspace.selection', load: () => import('./SelectionBoard') },
  { id: 'library-progress', to: 'xinyu/library-progress', icon: ChartPie, label: { 'zh-Hans': '资源库进度', en: 'Library progress' }, action: 'api::workspace.library-progress', load: () => import('./LibraryProgress') },
  { id: 'drafts', to: 'xinyu/drafts', icon: Pencil, label: { 'zh-Hans': '待审草稿', en: 'Drafts awaiting review' }, action: 'api::workspace.drafts', load: () => import('./Drafts') },
];
