import { createHash } from 'crypto';
import type { Core, Modules } from '@strapi/strapi';
import type { Knex } from 'knex';
import { CONTENT_TYPE_BY_UID, CONTENT_UIDS, isContentUid, type ContentType, type ContentUid } from '../curriculum';
import { indexTerms } from './tokenize';
import { cached, readCache } from '../../shared/read-cache';
import { changed, onChange, runExclusive } from '../../shared/cluster';
import { insertRows } from '../../shared/sql';
import { DOCUMENTS_TABLE, LEXICON_TABLE, POSTINGS_TABLE, SEARCH_INDEX, lexiconRows } from './memory';
import { runQuery, type QueryParams, type SearchResult } from './query';
import { loadVocabulary, seedVocabulary, SEARCH_TERM_UID, vocabulary } from './vocabulary';

export { DOCUMENTS_TABLE, POSTINGS_TABLE };

/*
 * Full-text search over published curriculum content: an inverted index in two plain tables, ranked with
 * BM25 in portable SQL, so SQLite and PostgreSQL return the same results in the same order.
 * Only published versions are indexed; it is kept current by a Document Service middleware in the same
 * transaction as the write.
 */
/** What the stored index was built with: a different tokenizer (vocabulary words, theme keywords, this version) rebuilds it. */
const META_TABLE = 'search_meta';
const TOKENIZER_VERSION = '3';
const TITLE_WEIGHT = 3;
// The stored text is what snippets are cut from (the terms come from the whole text): short enough that a row
// stays on its database page, so reading a page of hits never walks a long text's overflow pages.
const BODY_LIMIT = 1_000;

// The postings table's secondary indexes, built once after a rebuild's bulk write instead of row by row.
const POSTING_INDEXES = [
  `CREATE INDEX IF NOT EXISTS search_postings_document_ref_index ON ${POSTINGS_TABLE} (document_ref)`,
  `CREATE INDEX IF NOT EXISTS search_postings_list_idx ON ${POSTINGS_TABLE} (term, document_ref, tf)`,
];

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
    });
  }
  // Ranking reads only these columns of a matched document; a covering index keeps the bodies out of it.
  await knex.raw(`CREATE INDEX IF NOT EXISTS search_documents_ranking_idx ON ${DOCUMENTS_TABLE} (id, content_type, restricted, grade_band, length, theme_slugs)`);
  // A posting list is read from the index alone (term, document, frequency), never from the table's rows; a
  // rebuild drops both indexes and builds them at its end, or here at the next boot if it was cut short.
  for (const statement of POSTING_INDEXES) await knex.raw(statement);
  if (!(await knex.schema.hasTable(LEXICON_TABLE))) {
    // Every word of the index once, with its pinyin: pinyin queries and typos look words up here.
    await knex.schema.createTable(LEXICON_TABLE, (table) => {
      table.increments('id');
      table.string('term', 64).notNullable().unique();
      table.string('pinyin', 255);
      table.string('initials', 64);
    });
  }
  if (!(await knex.schema.hasTable(META_TABLE))) {
    await knex.schema.createTable(META_TABLE, (table) => {
      table.string('key', 64).primary();
      table.text('value').notNullable();
    });
  }
}

/** The tokenizer the index is built with: a change of vocabulary words or theme keywords needs a rebuild. */
export async function tokenizerSignature(strapi: Core.Strapi): Promise<string> {
  const themes = (await strapi.db.query('api::theme.theme').findMany({ select: ['slug', 'nameZh', 'nameEn', 'keywords'], orderBy: { slug: 'asc' } })) as { slug: string; nameZh: string; nameEn: string; keywords: string | null }[];
  const themeText = themes.map((t) => `${t.slug}:${t.nameZh}:${t.nameEn}:${t.keywords ?? ''}`).join('|');
  return `${TOKENIZER_VERSION}:${vocabulary().wordsHash}:${createHash('sha256').update(themeText).digest('hex').slice(0, 16)}`;
}

async function storedSignature(knex: Knex): Promise<string | null> {
  const row = await knex(META_TABLE).where({ key: 'tokenizer' }).first('value');
  return row?.value ?? null;
}

async function storeSignature(knex: Knex, signature: string) {
  await knex(META_TABLE).insert({ key: 'tokenizer', value: signature }).onConflict('key').merge();
}

const STALE_RETRY_MS = 3_000;

/**
 * Boot (and a vocabulary change): an index built with another tokenizer is rebuilt; returns the documents
 * indexed, or 0. The words can change again while a rebuild runs (it then stores the signature it started
 * with), so it checks again after each rebuild; when a rebuild is already running here or on another
 * instance, it checks again a moment later, so the last change is never left unindexed.
 */
export async function rebuildSearchIndexIfStale(strapi: Core.Strapi): Promise<number> {
  let indexed = 0;
  for (let round = 0; round < 5; round += 1) {
    const signature = await tokenizerSignature(strapi);
    const stored = await storedSignature(strapi.db.connection);
    if (stored === signature) return indexed;
    const [{ n }] = await strapi.db.connection(DOCUMENTS_TABLE).count({ n: '*' });
    // A fresh database: nothing to rebuild, only the signature to remember.
    if (Number(n) === 0 && stored === null) {
      await storeSignature(strapi.db.connection, signature);
      return indexed;
    }
    const rebuilt = await rebuildSearchIndex(strapi);
    if (rebuilt === null) {
      setTimeout(() => {
        rebuildSearchIndexIfStale(strapi).catch((error) => strapi.log.error(`Search index check failed: ${(error as Error).message}`));
      }, STALE_RETRY_MS).unref();
      return indexed;
    }
    indexed += rebuilt;
  }
  return indexed;
}

type Part = Record<string, unknown>;
/** A published document with POPULATE's relations and components: the fields bodyOf reads are read as text. */
type Doc = Part & {
  documentId: string;
  title: string;
  gradeBand?: string | null;
  themes?: { nameZh?: unknown; nameEn?: unknown; keywords?: unknown; slug?: unknown }[] | null;
  steps?: Part[] | null;
  roles?: Part[] | null;
  scenes?: Part[] | null;
  sessions?: Part[] | null;
};
const join = (...parts: unknown[]) => parts.filter((p) => typeof p === 'string' && p.trim()).join('\n');
const list = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string').join('\n') : '');

/** The searchable text of a document, per type. */
function bodyOf(type: ContentType, doc: Doc): string {
  // Each theme's Chinese and English names and keywords: a teacher typing "anxiety" finds the exam-anxiety lessons.
  const themes = (doc.themes ?? []).map((theme) => [theme.nameZh, theme.nameEn, theme.keywords].filter((v) => typeof v === 'string').join(' ')).join(' ');
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

async function insertPostings(trx: Knex, entries: { ref: number; counts: Map<string, number> }[], lexiconLater?: Set<string>) {
  // New words join the lexicon (with their pinyin); words already there are left alone. A rebuild collects them
  // and writes the lexicon once at its end.
  const terms = [...new Set(entries.flatMap(({ counts }) => [...counts.keys()]))];
  if (lexiconLater) for (const term of terms) lexiconLater.add(term);
  for (let i = 0; !lexiconLater && i < terms.length; i += POSTINGS_BATCH) {
    const slice = terms.slice(i, i + POSTINGS_BATCH);
    const known = new Set((await trx(LEXICON_TABLE).whereIn('term', slice).select('term')).map((row: { term: string }) => row.term));
    const rows = lexiconRows(slice.filter((term) => !known.has(term)));
    for (let j = 0; j < rows.length; j += 200) await trx(LEXICON_TABLE).insert(rows.slice(j, j + 200)).onConflict('term').ignore();
  }
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

/**
 * Every posting of a rebuild, held compactly (three typed arrays) so they can be written in the primary key's
 * order: appended to its B-tree rather than scattered through it, which is what made a rebuild slow.
 */
class PostingCollector {
  private termOf = new Map<string, number>();
  private terms: string[] = [];
  private term = new Int32Array(1 << 20);
  private ref = new Int32Array(1 << 20);
  private tf = new Float32Array(1 << 20);
  size = 0;

  add(ref: number, counts: Map<string, number>) {
    for (const [term, tf] of counts) {
      let id = this.termOf.get(term);
      if (id === undefined) this.termOf.set(term, (id = this.terms.push(term) - 1));
      if (this.size === this.term.length) this.grow();
      this.term[this.size] = id;
      this.ref[this.size] = ref;
      this.tf[this.size] = tf;
      this.size += 1;
    }
  }

  private grow() {
    const bigger = <T extends Int32Array | Float32Array>(array: T, make: (n: number) => T) => {
      const next = make(array.length * 2);
      next.set(array);
      return next;
    };
    this.term = bigger(this.term, (n) => new Int32Array(n));
    this.ref = bigger(this.ref, (n) => new Int32Array(n));
    this.tf = bigger(this.tf, (n) => new Float32Array(n));
  }

  /** The words, and the postings in (term, document) order: a counting sort by word keeps each word's documents in the order they were added (by id). */
  *inKeyOrder(chunk: number): Generator<{ term: string; document_ref: number; tf: number }[]> {
    const byName = this.terms.map((_, id) => id).sort((a, b) => (this.terms[a] < this.terms[b] ? -1 : this.terms[a] > this.terms[b] ? 1 : 0));
    const rank = new Int32Array(this.terms.length);
    byName.forEach((id, position) => (rank[id] = position));
    const start = new Int32Array(this.terms.length + 1);
    for (let i = 0; i < this.size; i += 1) start[rank[this.term[i]] + 1] += 1;
    for (let r = 0; r < this.terms.length; r += 1) start[r + 1] += start[r];
    const order = new Int32Array(this.size);
    const next = start.slice(0, this.terms.length);
    for (let i = 0; i < this.size; i += 1) order[next[rank[this.term[i]]]++] = i;
    for (let from = 0; from < this.size; from += chunk) {
      const rows = [];
      for (let k = from; k < Math.min(this.size, from + chunk); k += 1) {
        const i = order[k];
        rows.push({ term: this.terms[this.term[i]], document_ref: this.ref[i], tf: this.tf[i] });
      }
      yield rows;
    }
  }

  words() {
    return this.terms;
  }
}

async function rebuildNow(strapi: Core.Strapi, onProgress?: (indexed: number) => void) {
  const knex = strapi.db.connection;
  const signature = await tokenizerSignature(strapi);
  // Until the rebuild has finished, no signature: one cut short (a crash) is done again at the next boot.
  await knex(META_TABLE).where({ key: 'tokenizer' }).delete();
  await knex.raw('DROP INDEX IF EXISTS search_postings_list_idx');
  await knex.raw('DROP INDEX IF EXISTS search_postings_document_ref_index');
  await knex(POSTINGS_TABLE).delete();
  await knex(DOCUMENTS_TABLE).delete();
  const postings = new PostingCollector();
  let indexed = 0;
  try {
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
          const refs = await insertRows(strapi, trx, DOCUMENTS_TABLE, entries.map((entry) => entry.row), 'document_id');
          entries.forEach((entry, i) => postings.add(refs[i], entry.counts));
        });
        indexed += page.length;
        onProgress?.(indexed);
        if (page.length < pageSize) break;
      }
    }
    for (const rows of postings.inKeyOrder(50_000)) {
      await strapi.db.transaction(async ({ trx }) => {
        await insertRows(strapi, trx, POSTINGS_TABLE, rows);
      });
    }
  } finally {
    for (const statement of POSTING_INDEXES) await knex.raw(statement);
  }
  // The lexicon anew: exactly the index's words (a word no document holds any more is gone).
  await knex.transaction(async (trx) => {
    await trx(LEXICON_TABLE).delete();
    const rows = lexiconRows(postings.words());
    for (let i = 0; i < rows.length; i += 500) await trx(LEXICON_TABLE).insert(rows.slice(i, i + 500));
  });
  await storeSignature(knex, signature);
  return indexed;
}

export type SearchParams = QueryParams;
export type { SearchResult };

/**
 * Search results are the same for everyone with the same parameters (who may see cases is one of them),
 * so they are cached until the next write to any curriculum document (src/read-cache). With the cache off,
 * every query is ranked from the index (src/content/search/query.ts).
 */
export async function search(strapi: Core.Strapi, params: SearchParams): Promise<SearchResult> {
  const cache = readCache<SearchResult>(strapi, 'search', [...Object.values(CONTENT_UIDS), SEARCH_INDEX, SEARCH_TERM_UID]);
  return cached(cache, JSON.stringify(params), () => runQuery(strapi, params));
}

/**
 * Boot: the vocabulary file's entries seeded, the stored vocabulary loaded, the index rebuilt if it was built
 * with another tokenizer (or is empty while published documents exist); then every instance reloads the
 * vocabulary when it or a theme changes, and the index is rebuilt once when the words changed.
 */
export async function startSearch(strapi: Core.Strapi) {
  const seeded = await seedVocabulary(strapi);
  if (seeded) strapi.log.info(`Search vocabulary: ${seeded} entries seeded from database/reference/search-vocabulary.json`);
  await loadVocabulary(strapi);
  const rebuilt = await rebuildSearchIndexIfStale(strapi);
  if (rebuilt) strapi.log.info(`Search index rebuilt for a new tokenizer: ${rebuilt} documents`);
  let pending: NodeJS.Timeout | null = null;
  onChange(strapi, [SEARCH_TERM_UID, 'api::theme.theme'], () => {
    // A burst of edits (or the change notice's two deliveries) reloads once.
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      loadVocabulary(strapi)
        // Results cached meanwhile were ranked with the old vocabulary.
        .then(() => changed(strapi, [SEARCH_INDEX]))
        .then(() => rebuildSearchIndexIfStale(strapi))
        .catch((error) => strapi.log.error(`Search vocabulary reload failed: ${(error as Error).message}`));
    }, 200);
    pending.unref?.();
  });
}
