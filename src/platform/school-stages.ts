import type { Modules } from '@strapi/strapi';
import { normalizeEnumSet } from '../shared/enum-set';

/** School stages (学段 of a school); a nine-year school has primary and junior_secondary. */
export const SCHOOL_STAGES = ['primary', 'junior_secondary', 'senior_secondary', 'vocational'] as const;
export type SchoolStage = (typeof SCHOOL_STAGES)[number];

const SCHOOL_UID = 'api::school.school';

export const schoolStagesMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  if (context.uid !== SCHOOL_UID || (context.action !== 'create' && context.action !== 'update')) {
    return next();
  }
  const data = (context.params as { data?: Record<string, unknown> }).data;
  if (data && (context.action === 'create' || data.stages !== undefined)) {
    data.stages = normalizeEnumSet('stages', SCHOOL_STAGES, data.stages);
  }
  return next();
};
