import type { ComponentType } from 'react';
import { ChartBubble, CheckCircle } from '@strapi/icons';

/** A workspace page: its menu link, its label in both languages, and the workspace action that shows it. */
export interface WorkspacePage {
  id: string;
  to: string;
  icon: ComponentType;
  label: { 'zh-Hans': string; en: string };
  action: string;
  load: () => Promise<{ default: ComponentType }>;
}

export const approvalPages: WorkspacePage[] = [
  { id: 'approvals', to: 'xinyu/approvals', icon: CheckCircle, label: { 'zh-Hans': '学时审批', en: 'Credit-hour approvals' }, action: 'api::workspace.approvals', load: () => import('./Approvals') },
  { id: 'compliance', to: 'xinyu/compliance', icon: ChartBubble, label: { 'zh-Hans': '学时达标看板', en: 'Compliance dashboard' }, action: 'api::workspace.compliance', load: () => import('./Compliance') },
];
