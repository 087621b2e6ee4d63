import type { WorkspacePage } from './registry';

/** Researchers' pages: selection round board, library progress, drafts awaiting review. */
export const libraryPages: WorkspacePage[] = [];
