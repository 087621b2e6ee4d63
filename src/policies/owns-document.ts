import type { Core } from '@strapi/strapi';
import { callerProfile, isResearcher } from '../platform/actor';

/** Teachers may only change documents they authored; researchers may change any. Config: { uid }. */
export default async (policyContext: any, config: { uid: string }, { strapi }: { strapi: Core.Strapi }) => {
  const profile = await callerProfile(strapi, policyContext);
  if (isResearcher(profile)) return true;
  if (!profile.teacher) return false;
  const documentId = policyContext.params?.id;
  const draft = await strapi.documents(config.uid as any).findOne({
    documentId,
    status: 'draft',
    fields: ['documentId'] as any,
    populate: { author: { fields: ['documentId'] } } as any,
  });
  // A missing document is the controller's 404, not a 403.
  if (!draft) return true;
  return (draft as any).author?.documentId === profile.teacher.documentId;
};
