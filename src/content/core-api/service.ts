import { factories, type Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { CONTENT_TYPE_BY_UID, type ContentType, type ContentUid } from '../curriculum';
import { isResearcher, type CallerProfile } from '../../platform/actor';
import { DETAIL_POPULATE, LIST_POPULATE } from './populate';
import { cached, readCache } from '../../shared/read-cache';

/** What a list page shows besides the document itself: a write to any of these drops cached pages. */
const LIST_DEPENDENCIES = ['api::theme.theme', 'api::five-education-tag.five-education-tag', 'api::teacher.teacher', 'api::school.school', 'plugin::upload.file'];

type Query = Record<string, unknown>;
/** A document of a list or detail page: its fields, with the author and school that blind review hides. */
type Doc = Record<string, unknown> & { documentId?: string; author?: { documentId?: string } | null; school?: unknown };

/** The domain rules of the curriculum read/write API, shared by lesson plans, scripts and cases. */
export function createCurriculumService(uid: ContentUid) {
  const type = CONTENT_TYPE_BY_UID[uid];
  return factories.createCoreService(uid, ({ strapi }: { strapi: Core.Strapi }) => curriculumMethods(strapi, uid, type));
}

/** The service's own methods (Strapi adds the core ones); typed here, because the factory's result types them loosely. */
export type CurriculumService = ReturnType<typeof curriculumMethods>;

function curriculumMethods(strapi: Core.Strapi, uid: ContentUid, type: ContentType) {
  return {
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

    /**
     * A page of the list, sanitized by the caller's `sanitize`. Pages are the same for everyone asking the
     * same scoped query, so they are cached sanitized (src/read-cache); the per-caller blind-review step
     * runs on copies, after the cache.
     */
    async list(profile: CallerProfile, query: Query, sanitize: (docs: Doc[]) => Promise<unknown>) {
      const scoped = this.scopeQuery(profile, query);
      const cache = readCache<{ results: Doc[]; pagination: Query }>(strapi, `list:${uid}`, [uid, ...LIST_DEPENDENCIES]);
      const page = await cached(cache, JSON.stringify(scoped), async () => {
        const found = await strapi.service(uid).find({ ...scoped, populate: LIST_POPULATE[type] });
        // Sanitizing a list of documents keeps it a list of documents (fewer fields).
        return { results: (await sanitize(found.results)) as Doc[], pagination: found.pagination };
      });
      const results = page.results.map((doc) => ({ ...doc }));
      await this.hideAuthorsUnderReview(profile, results);
      return { results, pagination: page.pagination };
    },

    async get(profile: CallerProfile, documentId: string, query: Query) {
      const doc = await strapi.service(uid).findOne(documentId, { ...this.scopeQuery(profile, query), populate: DETAIL_POPULATE[type] });
      if (doc) await this.hideAuthorsUnderReview(profile, [doc]);
      return doc;
    },

    /** documentIds of this type's resources submitted to a round that is open or reviewing (cached until a submission or round changes). */
    async underReview(): Promise<Set<string>> {
      const cache = readCache<Set<string>>(strapi, `under-review:${uid}`, ['api::submission.submission', 'api::selection-round.selection-round']);
      return cached(cache, 'all', async () => {
        const rows = await strapi.db.query('api::submission.submission').findMany({
          where: { resourceType: type, status: 'submitted', round: { status: { $in: ['open', 'reviewing'] } } },
          select: ['resourceDocumentId'],
        });
        return new Set(rows.map((row: { resourceDocumentId: string }) => row.resourceDocumentId));
      });
    },

    /**
     * Blind review: while a resource is submitted to a round that is open or reviewing, nobody but its author
     * sees who wrote it or where — a reviewer must not learn it by opening the resource itself.
     */
    async hideAuthorsUnderReview(profile: CallerProfile, docs: Doc[]) {
      if (docs.length === 0) return;
      const hidden = await this.underReview();
      if (hidden.size === 0) return;
      for (const doc of docs) {
        if (hidden.has(doc.documentId) && doc.author?.documentId !== profile.teacher?.documentId) {
          doc.author = null;
          doc.school = null;
        }
      }
    },

    /** Teachers write drafts as themselves, for their own school, and never publish. */
    async createFor(profile: CallerProfile, data: Query, query: Query) {
      if (isResearcher(profile)) {
        return strapi.service(uid).create({ ...query, data, populate: DETAIL_POPULATE[type] });
      }
      const own = { ...data, author: profile.teacher!.documentId, school: profile.teacher!.schoolDocumentId };
      return strapi.service(uid).create({ data: own, status: 'draft', populate: DETAIL_POPULATE[type] });
    },

    async updateFor(profile: CallerProfile, documentId: string, data: Query, query: Query) {
      // A missing document is a 404 before any rule looks at the (empty) merge of old and new.
      const exists = await strapi.documents(uid).findOne({ documentId, status: 'draft', fields: ['documentId'] });
      if (!exists) return null;
      if (isResearcher(profile)) {
        return strapi.service(uid).update(documentId, { ...query, data, populate: DETAIL_POPULATE[type] });
      }
      const { author: _author, school: _school, ...rest } = data;
      return strapi.service(uid).update(documentId, { data: rest, status: 'draft', populate: DETAIL_POPULATE[type] });
    },

    async publishDocument(documentId: string) {
      const draft = await strapi.documents(uid).findOne({ documentId, status: 'draft', fields: ['documentId'] });
      if (!draft) return null;
      await strapi.documents(uid).publish({ documentId });
      return strapi.documents(uid).findOne({ documentId, status: 'published', populate: DETAIL_POPULATE[type] });
    },

    /** Deletes every version (draft and published); null when there is no such document. */
    async deleteDocument(documentId: string) {
      const exists = await strapi.db.query(uid).findOne({ where: { documentId }, select: ['id'] });
      if (!exists) return null;
      await strapi.documents(uid).delete({ documentId });
      return { documentId };
    },

    async unpublishDocument(documentId: string) {
      const published = await strapi.documents(uid).findOne({ documentId, status: 'published', fields: ['documentId'] });
      if (!published) throw new errors.NotFoundError('This document is not published');
      await strapi.documents(uid).unpublish({ documentId });
      return strapi.documents(uid).findOne({ documentId, status: 'draft', populate: DETAIL_POPULATE[type] });
    },
  };
}
