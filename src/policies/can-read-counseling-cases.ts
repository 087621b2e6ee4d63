import type { Core } from '@strapi/strapi';
import { callerProfile, type CallerContext, canReadCounselingCases } from '../platform/actor';

/** Counselling cases: researchers and mental-health teachers only; everyone else gets 403. */
export default async (policyContext: Core.PolicyContext & CallerContext, _config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  return canReadCounselingCases(await callerProfile(strapi, policyContext));
};
