import type { Core } from '@strapi/strapi';
import { canReadCounselingCases, type CallerProfile } from '../platform/actor';
import { fieldError, forbidden } from '../shared/errors';
import { CONTENT_UIDS, type ContentType } from './curriculum';

/*
 * Teachers' drafts awaiting a researcher's review: documents a teacher wrote (they have an author) that were
 * never published — teachers write drafts through REST and never publish; a researcher reviews, edits and
 * publishes them in the Content Manager.
 */
export const DRAFT_TYPES = Object.keys(CONTENT_UIDS) as ContentType[];

export interface TeacherDraft {
  type: ContentType;
  uid: string;
  documentId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  author: { name: string } | null;
  school: { name: string; district: string } | null;
}

const NEVER_PUBLISHED = {
  status: 'draft',
  // Strapi's own cohort: a draft whose document has no published version at all.
  publicationFilter: 'never-published-document',
  filters: { author: { id: { $notNull: true } } },
} as const;

/** Newest (last edited) first, across the types the caller may read; `type` narrows to one. */
export async function teacherDrafts(strapi: Core.Strapi, profile: CallerProfile, { type, page, pageSize }: { type?: unknown; page: number; pageSize: number }) {
  if (type !== undefined && !DRAFT_TYPES.includes(type as ContentType)) throw fieldError('type', `type must be one of ${DRAFT_TYPES.join(', ')}`);
  if (type === 'counseling-case' && !canReadCounselingCases(profile)) throw forbidden('Counselling cases are for researchers and mental-health teachers');
  const types = (type ? [type as ContentType] : DRAFT_TYPES).filter((t) => t !== 'counseling-case' || canReadCounselingCases(profile));

  const totals = await Promise.all(types.map((t) => strapi.documents(CONTENT_UIDS[t]).count(NEVER_PUBLISHED as never)));
  const total = totals.reduce((n, c) => n + c, 0);
  const pagination = { page, pageSize, total, pageCount: Math.ceil(total / pageSize) };
  if ((page - 1) * pageSize >= total) return { results: [] as TeacherDraft[], pagination };

  // The first page*pageSize of each type hold the first page*pageSize of them all.
  const take = page * pageSize;
  const perType = await Promise.all(
    types.map(async (t) => {
      const uid = CONTENT_UIDS[t];
      const docs = (await strapi.documents(uid).findMany({
        ...NEVER_PUBLISHED,
        fields: ['title', 'createdAt', 'updatedAt'],
        populate: { author: { fields: ['name'] }, school: { fields: ['name', 'district'] } },
        sort: ['updatedAt:desc', 'id:desc'],
        limit: take,
      } as never)) as unknown as Omit<TeacherDraft, 'type' | 'uid'>[];
      return docs.map((doc) => ({ ...doc, type: t, uid }));
    })
  );
  const all = perType.flat().sort((a, b) => new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime() || b.documentId.localeCompare(a.documentId));
  const results: TeacherDraft[] = all.slice((page - 1) * pageSize, take).map(({ type: t, uid, documentId, title, createdAt, updatedAt, author, school }) => ({
    type: t,
    uid,
    documentId,
    title,
    createdAt,
    updatedAt,
    author: author ? { name: author.name } : null,
    school: school ? { name: school.name, district: school.district } : null,
  }));
  return { results, pagination };
}
