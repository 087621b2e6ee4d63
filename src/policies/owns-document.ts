import type { Core } from '@strapi/strapi';
import { callerProfile, isResearcher, type CallerContext } from '../platform/actor';
import type { ContentUid } from '../content/curriculum';

/** Teachers may only change documents they authored; researchers may change any. Config: { uid }. */
export default async (policyContext: Core.PolicyContext & CallerContext & { params?: { id?: string } }, config: { uid: ContentUid }, { strapi }: { strapi: Core.Strapi }) => {
  const profile = await callerProfile(strapi, policyContext);
  if (isResearcher(profile)) return true;
  if (!profile.teacher) return false;
  const documentId = policyContext.params?.id;
  const draft = await strapi.documents(config.uid).findOne({
    documentId,
    status: 'draft',
    fields: ['documentId'],
    populate: { author: { fields: ['documentId'] } },
  });
  // A missing document is the controller's 404, not a 403.
  if (!draft) return true;
  return draft.author?.documentId === profile.teacher.documentId;
};
