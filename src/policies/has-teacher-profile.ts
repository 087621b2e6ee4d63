import type { Core } from '@strapi/strapi';
import { callerProfile, type CallerContext, isResearcher } from '../platform/actor';

/** A teacher writes content as themselves, so a teacher account needs a teacher profile. */
export default async (policyContext: Core.PolicyContext & CallerContext, _config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const profile = await callerProfile(strapi, policyContext);
  return isResearcher(profile) || profile.teacher !== null;
};
