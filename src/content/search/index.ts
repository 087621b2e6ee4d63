import type { Core, Modules } from '@strapi/strapi';
import type { Knex } from 'knex';
import { CONTENT_TYPE_BY_UID, CONTENT_UIDS, isContentUid, type ContentType, type ContentUid } from '../curriculum';
import { indexTerms, queryTerms } from './tokenize';
import { highlightSnippet } from './snippet';
import { cached, readCache } from '../../shared/read-cache';
import { changed, runExclusive } from '../../shared/cluster';

/*
 * Full-text search over published curriculum content: an inverted index in two plain tables, ranked with
 * BM25 in portable SQL, so SQLite and PostgreSQL return the same results in the same order.
 * Only published versions are indexed; it is kept current by a Document Service middleware in the same
 * transaction as the write.
 */
export const DOCUMENTS_TABLE = 'search_documents';
export const POSTINGS_TABLE = 'search_postings';
/** The index's own name for change notices: a rebuild writes its tables with raw SQL (src/shared/cluster.ts). */
const SEARCH_INDEX = 'search-index';
const TITLE_WEIGHT = 3;
const BODY_LIMIT = 20_000;
const BM25_K1 = 1.2;
const BM25_B = 0.75;

export async function ensureSearchTables(knex: Knex) {
  if (!(await knex.schema.hasTable(DOCUMENTS_TABLE))) {
    await knex.schema.createTable(DOCUMENTS_TABLE, (table) => {
      table.increments('id');
      table.string('content_type', 32).notNullable();
      table.string('document_id', 64).notNullable();
      table.text('title').notNullable();
      table.text('body').notNullable();
      table.string('grade_band', 32);
      table.text('theme_slugs').notNullable(); // ",slug-a,slug-b,"
      table.boolean('restricted').notNullable().defaultTo(false);
      table.integer('length').notNullable();
      table.unique(['content_type', 'document_id']);
    });
  }
  if (!(await knex.schema.hasTable(POSTINGS_TABLE))) {
    await knex.schema.createTable(POSTINGS_TABLE, (table) => {
      table.string('term', 64).notNullable();
      table.integer('document_ref').notNullable();
      table.integer('tf').notNullable();
      table.primary(['term', 'document_ref']);
      table.index(['document_ref']);
    });
  }
  // Ranking reads only these columns of a matched document; a covering index keeps the bodies out of it.
  await knex.raw(`CREATE INDEX IF NOT EXISTS search_documents_ranking_idx ON ${DOCUMENTS_TABLE} (id, content_type, restricted, grade_band, length, theme_slugs)`);
}

type Part = Record<string, unknown>;
/** A published document with POPULATE's relations and components: the fields bodyOf reads are read as text. */
type Doc = Part & {
  documentId: string;
  title: string;
  gradeBand?: string | null;
  themes?: { nameZh?: unknown; slug?: unknown }[] | null;
  steps?: Part[] | null;
  roles?: Part[] | null;
  scenes?: Part[] | null;
  sessions?: Part[] | null;
};
/** A ranked match: the document row's id and the number of matching documents (COUNT(*) OVER ()). */
interface RankedRow {
  id: number | string;
  total: number | string;
}
/** A row of the documents table, as ranking and the result page read it. */
interface DocumentRow {
  id: number | string;
  content_type: ContentType;
  document_id: string;
  title: string;
  body: string;
  grade_band: string | null;
  theme_slugs: string;
}
const join = (...parts: unknown[]) => parts.filter((p) => typeof p === 'string' && p.trim()).join('\n');
const list = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string').join('\n') : '');

/** The searchable text of a document, per type. */
function bodyOf(type: ContentType, doc: Doc): string {
  const themes = (doc.themes ?? []).map((theme) => theme.nameZh).join(' ');
  switch (type) {
    case 'lesson-plan':
      return join(doc.summary, doc.objectives,
        ...(doc.steps ?? []).flatMap((s) => [s.teacherActions, s.studentActivities, s.designIntent]),
        doc.materials, list(doc.keywords), themes);
    case 'psychodrama-script':
      return join(doc.synopsis, ...(doc.roles ?? []).flatMap((r) => [r.name, r.description]),
        ...(doc.scenes ?? []).flatMap((s) => [s.title, s.setting, s.script]),
        doc.warmUp, doc.enactment, doc.sharing, list(doc.discussionQuestions), doc.facilitatorNotes, themes);
    case 'counseling-case':
      return join(doc.background, doc.assessment,
        ...(doc.sessions ?? []).flatMap((s) => [s.focus, s.whatWasDone, s.observation]),
        doc.outcome, doc.reflection, themes);
  }
}

/** Each type's own relations and components (checked against its schema). */
type PopulateOf<T extends ContentType> = Modules.Documents.Params.Populate.ArrayNotation<(typeof CONTENT_UIDS)[T]>;
/** Strapi types populate for the three uids together as only the fields they share; each call passes its own type's. */
type AnyPopulate = Modules.Documents.Params.Populate.ArrayNotation<ContentUid>;
const POPULATE: { [T in ContentType]: PopulateOf<T> } = {
  'lesson-plan': ['themes', 'steps'],
  'psychodrama-script': ['themes', 'roles', 'scenes'],
  'counseling-case': ['themes', 'sessions'],
};

/** The index row and term frequencies of one published document (title words weigh more). */
export function indexEntry(type: ContentType, doc: Doc) {
  const body = bodyOf(type, doc);
  const counts = new Map<string, number>();
  const add = (terms: string[], weight: number) => {
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + weight);
  };
  add(indexTerms(doc.title), TITLE_WEIGHT);
  add(indexTerms(body), 1);
  const length = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const row = {
    content_type: type,
    document_id: doc.documentId,
    title: doc.title,
    body: body.slice(0, BODY_LIMIT),
    grade_band: doc.gradeBand ?? null,
    theme_slugs: `,${(doc.themes ?? []).map((theme) => theme.slug).join(',')},`,
    restricted: type === 'counseling-case',
    length,
  };
  return { row, counts };
}

const POSTINGS_BATCH = 500;

async function insertPostings(trx: Knex, entries: { ref: number; counts: Map<string, number> }[]) {
  let batch: { term: string; document_ref: number; tf: number }[] = [];
  for (const { ref, counts } of entries) {
    for (const [term, tf] of counts) {
      batch.push({ term, document_ref: ref, tf });
      if (batch.length >= POSTINGS_BATCH) {
        await trx(POSTINGS_TABLE).insert(batch);
        batch = [];
      }
    }
  }
  if (batch.length) await trx(POSTINGS_TABLE).insert(batch);
}

/** Brings one document's index entry in line with its published version (or removes it). */
export async function reindexDocument(strapi: Core.Strapi, uid: ContentUid, documentId: string) {
  const type = CONTENT_TYPE_BY_UID[uid];
  const published = (await strapi.documents(uid).findOne({
    documentId,
    status: 'published',
    populate: POPULATE[type] as AnyPopulate,
  })) as Doc | null;

  await strapi.db.transaction(async ({ trx }) => {
    const existing = await trx(DOCUMENTS_TABLE).where({ content_type: type, document_id: documentId }).first('id');
    if (existing) {
      await trx(POSTINGS_TABLE).where({ document_ref: existing.id }).delete();
    }
    if (!published) {
      if (existing) await trx(DOCUMENTS_TABLE).where({ id: existing.id }).delete();
      return;
    }
    const { row, counts } = indexEntry(type, published);
    let ref: number;
    if (existing) {
      await trx(DOCUMENTS_TABLE).where({ id: existing.id }).update(row);
      ref = existing.id;
    } else {
      const [inserted] = await trx(DOCUMENTS_TABLE).insert(row, ['id']);
      ref = typeof inserted === 'object' ? inserted.id : inserted;
    }
    await insertPostings(trx, [{ ref, counts }]);
  });
}

const INDEXED_ACTIONS = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft']);

/** Keeps the index current: every write to a curriculum document re-indexes it inside the same transaction. */
export const searchIndexMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  const { uid, action } = context;
  if (!isContentUid(uid) || !INDEXED_ACTIONS.has(action)) return next();
  return strapi.db.transaction(async () => {
    const result = await next();
    const documentId = (context.params as { documentId?: string }).documentId ?? (result as { documentId?: string } | null)?.documentId;
    if (documentId) await reindexDocument(strapi, uid, documentId);
    return result;
  });
};

/** An index with no rows while published content exists (a restored or upgraded database) is rebuilt at boot. */
export async function rebuildSearchIndexIfEmpty(strapi: Core.Strapi): Promise<number> {
  const [{ n }] = await strapi.db.connection(DOCUMENTS_TABLE).count({ n: '*' });
  if (Number(n) > 0) return 0;
  let published = 0;
  for (const uid of Object.values(CONTENT_UIDS)) published += await strapi.documents(uid).count({ status: 'published' });
  return published > 0 ? ((await rebuildSearchIndex(strapi)) ?? 0) : 0;
}

/**
 * The scheduled check (nightly): the index holds one row per published document of each type, or it is
 * rebuilt — a restore, a bulk load past the Document Service or a crash mid-rebuild leaves it short.
 */
export async function checkSearchIndex(strapi: Core.Strapi): Promise<{ consistent: boolean; indexed: number | null }> {
  const rows: { content_type: string; n: number | string }[] = await strapi.db.connection(DOCUMENTS_TABLE).select('content_type').count({ n: '*' }).groupBy('content_type');
  const inIndex = new Map(rows.map((row) => [row.content_type, Number(row.n)]));
  for (const uid of Object.values(CONTENT_UIDS)) {
    const published = await strapi.documents(uid).count({ status: 'published' });
    if ((inIndex.get(CONTENT_TYPE_BY_UID[uid]) ?? 0) !== published) return { consistent: false, indexed: await rebuildSearchIndex(strapi) };
  }
  return { consistent: true, indexed: null };
}

/**
 * Rebuilds the whole index from the published documents (after a restore, a bulk load or a change of
 * tokenizer): a page of documents is read with one query per relation and written with bulk inserts,
 * so 12,000 documents take seconds, not minutes. One rebuild at a time across every instance: null when
 * one is already running elsewhere. Every instance's cached search results are dropped when it is done.
 */
export async function rebuildSearchIndex(strapi: Core.Strapi, onProgress?: (indexed: number) => void): Promise<number | null> {
  const outcome = await runExclusive(strapi, 'search-index-rebuild', async () => {
    try {
      return await rebuildNow(strapi, onProgress);
    } finally {
      await changed(strapi, [SEARCH_INDEX]);
    }
  }, { leaseMs: 60_000 });
  return outcome.ran ? outcome.result : null;
}

async function rebuildNow(strapi: Core.Strapi, onProgress?: (indexed: number) => void) {
  const knex = strapi.db.connection;
  await knex(POSTINGS_TABLE).delete();
  await knex(DOCUMENTS_TABLE).delete();
  let indexed = 0;
  for (const uid of Object.values(CONTENT_UIDS)) {
    const type = CONTENT_TYPE_BY_UID[uid];
    const pageSize = 200;
    for (let start = 0; ; start += pageSize) {
      const page = (await strapi.documents(uid).findMany({
        status: 'published',
        populate: POPULATE[type] as AnyPopulate,
        sort: 'id:asc',
        start,
        limit: pageSize,
      })) as Doc[];
      if (page.length === 0) break;
      const entries = page.map((doc) => indexEntry(type, doc));
      await strapi.db.transaction(async ({ trx }) => {
        for (let i = 0; i < entries.length; i += 100) await trx(DOCUMENTS_TABLE).insert(entries.slice(i, i + 100).map((entry) => entry.row));
        const ids: Pick<DocumentRow, 'id' | 'document_id'>[] = await trx(DOCUMENTS_TABLE).where('content_type', type).whereIn('document_id', entries.map((entry) => entry.row.document_id)).select('id', 'document_id');
        const refOf = new Map(ids.map((row) => [row.document_id, Number(row.id)]));
        await insertPostings(trx, entries.map((entry) => ({ ref: refOf.get(entry.row.document_id)!, counts: entry.counts })));
      });
      indexed += page.length;
      onProgress?.(indexed);
      if (page.length < pageSize) break;
    }
  }
  return indexed;
}

export interface SearchParams {
  q: string;
  types: ContentType[];
  gradeBand?: string;
  theme?: string;
  page: number;
  pageSize: number;
  /** Whether the caller may see counselling cases. */
  includeRestricted: boolean;
}

export interface SearchHit {
  type: ContentType;
  documentId: string;
  title: string;
  snippet: string;
  gradeBand: string | null;
  themes: string[];
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  terms: string[];
}

/**
 * Search results are the same for everyone with the same parameters (who may see cases is one of them),
 * so they are cached until the next write to any curriculum document (src/read-cache).
 */
export async function search(strapi: Core.Strapi, params: SearchParams): Promise<SearchResult> {
  const cache = readCache<SearchResult>(strapi, 'search', [...Object.values(CONTENT_UIDS), SEARCH_INDEX]);
  return cached(cache, JSON.stringify(params), () => runSearch(strapi, params));
}

async function runSearch(strapi: Core.Strapi, params: SearchParams): Promise<SearchResult> {
  const knex = strapi.db.connection;
  const terms = queryTerms(params.q);
  const types = params.includeRestricted ? params.types : params.types.filter((t) => t !== 'counseling-case');
  const empty = { hits: [] as SearchHit[], total: 0, terms };
  if (terms.length === 0 || types.length === 0) return empty;

  const [stats] = await knex(DOCUMENTS_TABLE).count({ n: '*' }).avg({ avgdl: 'length' });
  const n = Number(stats.n);
  if (n === 0) return empty;
  const avgdl = Number(stats.avgdl) || 1;
  const dfRows = await knex(POSTINGS_TABLE).select('term').count({ df: '*' }).whereIn('term', terms).groupBy('term');
  const idf = new Map(dfRows.map((row) => [row.term as string, Math.log(1 + (n - Number(row.df) + 0.5) / (Number(row.df) + 0.5))]));
  const matched = terms.filter((term) => idf.has(term));
  if (matched.length === 0) return empty;

  // Matching postings joined to the few columns the filters and BM25 need (the covering index).
  const matching = () => {
    const query = knex({ p: POSTINGS_TABLE }).join({ d: DOCUMENTS_TABLE }, 'd.id', 'p.document_ref').whereIn('p.term', matched).whereIn('d.content_type', types);
    if (!params.includeRestricted) query.whereRaw('d.restricted = false');
    if (params.gradeBand) query.where('d.grade_band', params.gradeBand);
    if (params.theme) query.where('d.theme_slugs', 'like', `%,${params.theme},%`);
    return query;
  };

  const weightCase = `CASE p.term ${matched.map(() => 'WHEN ? THEN CAST(? AS DOUBLE PRECISION)').join(' ')} END`;
  const weightBindings = matched.flatMap((term) => [term, idf.get(term) as number]);
  const score = `SUM(${weightCase} * (p.tf * ${BM25_K1 + 1}) / (p.tf + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * d.length / CAST(? AS DOUBLE PRECISION))))`;

  // Rank on document ids only, then read the page's documents: bodies are never grouped or sorted.
  const ranked = await matching()
    .select({ id: 'p.document_ref' })
    .select(knex.raw('COUNT(*) AS matched_terms'))
    .select(knex.raw(`${score} AS score`, [...weightBindings, avgdl]))
    // The number of matching documents comes with the page (a window over the groups), not a second scan.
    .select<RankedRow[]>(knex.raw('COUNT(*) OVER () AS total'))
    .groupBy('p.document_ref')
    // Documents matching more of the query's words first, then by relevance; id keeps ties stable.
    .orderByRaw('matched_terms DESC, score DESC, p.document_ref ASC')
    .limit(params.pageSize)
    .offset((params.page - 1) * params.pageSize);
  // A page past the end has no rows to carry the total; only then is it counted on its own.
  const total = ranked.length ? Number(ranked[0].total) : Number((await matching().countDistinct({ total: 'p.document_ref' }))[0].total);

  const ids = ranked.map((row) => Number(row.id));
  const docs: DocumentRow[] = ids.length
    ? await knex(DOCUMENTS_TABLE).whereIn('id', ids).select('id', 'content_type', 'document_id', 'title', 'body', 'grade_band', 'theme_slugs')
    : [];
  const byId = new Map(docs.map((doc) => [Number(doc.id), doc]));
  const hits: SearchHit[] = ids.map((id) => {
    const row = byId.get(id) as DocumentRow;
    return {
      type: row.content_type,
      documentId: row.document_id,
      title: row.title,
      snippet: highlightSnippet(row.body || row.title, matched),
      gradeBand: row.grade_band,
      themes: String(row.theme_slugs).split(',').filter(Boolean),
    };
  });
  return { hits, total, terms };
}
