import type { Modules } from '@strapi/strapi';
import { normalizeEnumSet } from '../shared/enum-set';
import { fieldError } from '../shared/errors';
import { assertNoPersonalData } from '../shared/privacy-guard';
import { firstFreeSlug, slugFromTitle } from '../shared/slugs';
import {
  COUNSELING_APPROACHES,
  GRADE_BANDS,
  PSYCHODRAMA_TECHNIQUES,
  isContentUid,
  type ContentUid,
  type GradeBand,
} from './curriculum';

type Data = Record<string, unknown>;

/** A JSON list of short strings (keywords, discussion questions). */
function normalizeStringList(field: string, value: unknown, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw fieldError(field, `${field} must be an array of strings`);
  }
  const items = [...new Set(value.map((item: string) => item.trim()).filter(Boolean))];
  if (items.length > maxItems) throw fieldError(field, `${field} has ${items.length} items; at most ${maxItems}`);
  const tooLong = items.find((item) => item.length > maxLength);
  if (tooLong) throw fieldError(field, `${field} items are at most ${maxLength} characters`);
  return items;
}

type Normalizer = (value: unknown) => unknown;
const JSON_LISTS: Record<ContentUid, Record<string, Normalizer>> = {
  'api::lesson-plan.lesson-plan': {
    keywords: (v) => normalizeStringList('keywords', v, 20, 30),
  },
  'api::psychodrama-script.psychodrama-script': {
    techniques: (v) => normalizeEnumSet('techniques', PSYCHODRAMA_TECHNIQUES, v, { minItems: 0 }),
    discussionQuestions: (v) => normalizeStringList('discussionQuestions', v, 30, 500),
  },
  'api::counseling-case.counseling-case': {
    approaches: (v) => normalizeEnumSet('approaches', COUNSELING_APPROACHES, v, { minItems: 0 }),
  },
};

/** The stored draft, for rules that compare a partial update with what is already there. */
async function currentDraft(uid: ContentUid, documentId: string | undefined): Promise<Data> {
  if (!documentId) return {};
  // Only lesson plans have steps (their minutes are checked against the duration); the other types have none.
  // (One call per branch: Strapi's populate type for the three uids together allows only their common fields.)
  const draft =
    uid === 'api::lesson-plan.lesson-plan'
      ? await strapi.documents(uid).findOne({ documentId, status: 'draft', populate: ['steps'] })
      : await strapi.documents(uid).findOne({ documentId, status: 'draft', populate: undefined });
  return (draft as Data) ?? {};
}

function checkGrades(merged: Data) {
  const band = merged.gradeBand as GradeBand | undefined;
  if (!band || merged.gradeFrom == null || merged.gradeTo == null) return;
  const [low, high] = GRADE_BANDS[band];
  const from = Number(merged.gradeFrom);
  const to = Number(merged.gradeTo);
  if (from > to) throw fieldError('gradeFrom', `gradeFrom (${from}) is after gradeTo (${to})`);
  if (from < low || to > high) {
    throw fieldError('gradeFrom', `grades ${from}–${to} are outside grade band ${band} (${low}–${high})`);
  }
}

/** seeds: a lesson's steps (warm-up, activity, sharing, summary) fill the lesson exactly. */
function checkStepMinutes(merged: Data) {
  if (!Array.isArray(merged.steps) || merged.durationMinutes == null) return;
  const total = merged.steps.reduce((sum: number, step: Data) => sum + Number(step?.minutes ?? 0), 0);
  const duration = Number(merged.durationMinutes);
  if (total !== duration) {
    throw fieldError(
      'steps',
      `steps add up to ${total} minutes but durationMinutes is ${duration}; they must be equal`
    );
  }
}

function checkEthics(merged: Data) {
  for (const field of ['consentObtained', 'anonymised'] as const) {
    if (merged[field] !== true) {
      throw fieldError(field, `${field} must be confirmed (true): a case is saved only with consent and anonymised`);
    }
  }
}

/** Slugs are unique per type; a generated one gets -2, -3…, a chosen one that is taken is refused. */
async function uniqueSlug(uid: ContentUid, requested: string | undefined, title: string, documentId: string | undefined) {
  const base = requested || slugFromTitle(title);
  const rows = await strapi.db.query(uid).findMany({
    where: { slug: { $startsWith: base }, ...(documentId ? { documentId: { $ne: documentId } } : {}) },
    select: ['slug'],
  });
  const slug = firstFreeSlug(base, rows.map((row: { slug: string }) => row.slug));
  if (requested && slug !== requested) throw fieldError('slug', `slug "${requested}" is already used by another document`);
  return slug;
}

/**
 * Document Service middleware for the three curriculum types: runs on every create and update,
 * whether from the REST API, the admin panel or a service, before anything is written.
 */
export const contentRulesMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  const { uid, action } = context;
  if (!isContentUid(uid) || (action !== 'create' && action !== 'update')) return next();
  const params = context.params as { data?: Data; documentId?: string };
  const data = params.data;
  if (!data) return next();

  assertNoPersonalData(data);

  for (const [field, normalize] of Object.entries(JSON_LISTS[uid]) as [string, Normalizer][]) {
    if (data[field] !== undefined && data[field] !== null) data[field] = normalize(data[field]);
  }

  const existing = action === 'update' ? await currentDraft(uid, params.documentId) : {};
  const merged = { ...existing, ...data };
  checkGrades(merged);
  if (uid === 'api::lesson-plan.lesson-plan') checkStepMinutes(merged);
  if (uid === 'api::counseling-case.counseling-case') checkEthics(merged);

  // Slugs stay stable when a title is edited; an emptied slug is generated again.
  if (action === 'create' || data.slug !== undefined) {
    data.slug = await uniqueSlug(uid, (data.slug || undefined) as string | undefined, String(merged.title ?? ''), params.documentId);
  }
  return next();
};
