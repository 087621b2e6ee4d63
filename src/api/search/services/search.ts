import type { Core } from '@strapi/strapi';
import { fieldError } from '../../../shared/errors';
import { CONTENT_UIDS, GRADE_BANDS, type ContentType } from '../../../content/curriculum';
import { canReadCounselingCases, type CallerProfile } from '../../../platform/actor';
import { search } from '../../../content/search/index';

const ALL_TYPES = Object.keys(CONTENT_UIDS) as ContentType[];
const MAX_PAGE_SIZE = 100;


function positiveInt(param: string, value: unknown, fallback: number, max?: number) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw fieldError(param, `${param} must be a positive integer`);
  return max ? Math.min(n, max) : n;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Validates the query string of GET /api/search; every problem is a 400 naming the parameter. */
  parseQuery(query: Record<string, unknown>) {
    const allowed = new Set(['q', 'types', 'gradeBand', 'theme', 'page', 'pageSize']);
    const unknown = Object.keys(query).find((key) => !allowed.has(key));
    if (unknown) throw fieldError(unknown, `Unknown query parameter "${unknown}"; allowed: ${[...allowed].join(', ')}`);
    for (const key of allowed) {
      if (query[key] !== undefined && typeof query[key] !== 'string') throw fieldError(key, `${key} must be given once, as text`);
    }
    const q = String(query.q ?? '').trim();
    if (!q) throw fieldError('q', 'q (the search text) is required');
    if (q.length > 200) throw fieldError('q', 'q is at most 200 characters');
    const types = query.types ? String(query.types).split(',').map((t) => t.trim()) : ALL_TYPES;
    const badType = types.find((t) => !ALL_TYPES.includes(t as ContentType));
    if (badType !== undefined) throw fieldError('types', `types has unknown value "${badType}"; allowed: ${ALL_TYPES.join(', ')}`);
    const gradeBand = query.gradeBand ? String(query.gradeBand) : undefined;
    if (gradeBand && !(gradeBand in GRADE_BANDS)) {
      throw fieldError('gradeBand', `gradeBand must be one of ${Object.keys(GRADE_BANDS).join(', ')}`);
    }
    const theme = query.theme ? String(query.theme) : undefined;
    if (theme && !/^[a-z0-9-]{1,60}$/.test(theme)) throw fieldError('theme', 'theme must be a theme slug');
    return {
      q,
      types: types as ContentType[],
      gradeBand,
      theme,
      page: positiveInt('page', query.page, 1),
      pageSize: positiveInt('pageSize', query.pageSize, 20, MAX_PAGE_SIZE),
    };
  },

  async searchFor(profile: CallerProfile, query: Record<string, unknown>) {
    const params = this.parseQuery(query);
    const { hits, total, terms, corrections, facets } = await search(strapi, { ...params, includeRestricted: canReadCounselingCases(profile) });
    return {
      data: hits,
      meta: {
        terms,
        // Words read as other words (pinyin, a typo) and the counts by type, grade band and theme, each usable as the filter of its name.
        corrections,
        facets,
        pagination: { page: params.page, pageSize: params.pageSize, pageCount: Math.ceil(total / params.pageSize), total },
      },
    };
  },
});
