import { factories, type Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { CONTENT_TYPE_BY_UID, type ContentUid } from '../curriculum';
import { isResearcher, type CallerProfile } from '../content-access';
import { DETAIL_POPULATE, LIST_POPULATE } from './populate';

type Query = Record<string, any>;

/** The domain rules of the curriculum read/write API, shared by lesson plans, scripts and cases. */
export function createCurriculumService(uid: ContentUid) {
  const type = CONTENT_TYPE_BY_UID[uid];
  return factories.createCoreService(uid as any, ({ strapi }: { strapi: Core.Strapi }) => ({
    /**
     * Owner and status scoping, applied after sanitizeQuery so a client cannot override it: researchers see
     * any status; a teacher asking for drafts sees only their own; everyone else sees published versions.
     */
    scopeQuery(profile: CallerProfile, query: Query): Query {
      if (isResearcher(profile)) return query;
      if (query.status === 'draft' && profile.teacher) {
        const own = { author: { documentId: { $eq: profile.teacher.documentId } } };
        return { ...query, filters: query.filters ? { $and: [query.filters, own] } : own };
      }
      return { ...query, status: 'published' };
    },

    async list(profile: CallerProfile, query: Query) {
      return strapi.service(uid as any).find({ ...this.scopeQuery(profile, query), populate: LIST_POPULATE[type] });
    },

    async get(profile: CallerProfile, documentId: string, query: Query) {
      return strapi.service(uid as any).findOne(documentId, { ...this.scopeQuery(profile, query), populate: DETAIL_POPULATE[type] });
    },

    /** Teachers write drafts as themselves, for their own school, and never publish. */
    async createFor(profile: CallerProfile, data: Query, query: Query) {
      if (isResearcher(profile)) {
        return strapi.service(uid as any).create({ ...query, data, populate: DETAIL_POPULATE[type] });
      }
      const own = { ...data, author: profile.teacher!.documentId, school: profile.teacher!.schoolDocumentId };
      return strapi.service(uid as any).create({ data: own, status: 'draft', populate: DETAIL_POPULATE[type] });
    },

    async updateFor(profile: CallerProfile, documentId: string, data: Query, query: Query) {
      if (isResearcher(profile)) {
        return strapi.service(uid as any).update(documentId, { ...query, data, populate: DETAIL_POPULATE[type] });
      }
      const { author: _author, school: _school, ...rest } = data;
      const exists = await strapi.documents(uid as any).findOne({ documentId, status: 'draft', fields: ['documentId'] as any });
      if (!exists) return null;
      return strapi.service(uid as any).update(documentId, { data: rest, status: 'draft', populate: DETAIL_POPULATE[type] });
    },

    async publishDocument(documentId: string) {
      const draft = await strapi.documents(uid as any).findOne({ documentId, status: 'draft', fields: ['documentId'] as any });
      if (!draft) return null;
      await strapi.documents(uid as any).publish({ documentId });
      return strapi.documents(uid as any).findOne({ documentId, status: 'published', populate: DETAIL_POPULATE[type] as any });
    },

    async unpublishDocument(documentId: string) {
      const published = await strapi.documents(uid as any).findOne({ documentId, status: 'published', fields: ['documentId'] as any });
      if (!published) throw new errors.NotFoundError('This document is not published');
      await strapi.documents(uid as any).unpublish({ documentId });
      return strapi.documents(uid as any).findOne({ documentId, status: 'draft', populate: DETAIL_POPULATE[type] as any });
    },
  }));
}
