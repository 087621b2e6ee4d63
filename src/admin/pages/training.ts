import type { WorkspacePage } from './registry';

/** Coordinators' pages: import wizard, course roster, certificates. */
export const trainingPages: WorkspacePage[] = [];
