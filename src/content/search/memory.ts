import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { ContentType } from '../curriculum';
import { onChange } from '../../shared/cluster';
import { pinyinForms } from './normalize';

/*
 * The index as the query engine reads it, held in memory like any search engine's: the document table (type,
 * grade band, themes, length — what filters, facets and BM25's length norm need) and the posting lists of the
 * terms queried so far (bounded, least recently used dropped first). Nothing here is a result: every query is
 * ranked, filtered, faceted and cut to its page afresh. Any write to the index — on this instance or, through
 * Redis, another — empties it (src/shared/cluster.ts); a load that raced a write is not kept.
 */
export const DOCUMENTS_TABLE = 'search_documents';
export const POSTINGS_TABLE = 'search_postings';
export const LEXICON_TABLE = 'search_lexicon';
/** The index's own name for change notices (its rebuild writes with raw SQL). */
export const SEARCH_INDEX = 'search-index';

/**
 * The document table, dense: document i (0 … count-1) has its row id, type, grade band and themes (as indexes
 * into the name lists) and BM25's length norm precomputed, in typed arrays a query walks without allocating.
 */
export interface DocTable {
  count: number;
  ids: Int32Array;
  /** Row id → dense index (−1: not indexed). */
  denseOf: Map<number, number>;
  type: Uint8Array;
  restricted: Uint8Array;
  grade: Int16Array;
  /** Document i's themes are themeIds[themeStart[i] … themeStart[i + 1]): one flat array, walked without a lookup per document. */
  themeStart: Int32Array;
  themeIds: Int16Array;
  /** k1 · (1 − b + b · length / avgdl), BM25's per-document denominator term. */
  norm: Float32Array;
  typeNames: ContentType[];
  gradeNames: string[];
  themeNames: string[];
}
/** A posting list in dense document indexes. */
export interface Postings {
  docs: Int32Array;
  tf: Float32Array;
}

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** What a result page shows of a document. */
export interface PageRow {
  id: number | string;
  content_type: ContentType;
  document_id: string;
  title: string;
  body: string;
  grade_band: string | null;
  theme_slugs: string;
}

interface State {
  version: number;
  docs: Promise<DocTable> | null;
  postings: Map<string, Postings>;
  postingsHeld: number;
  /** Result-page rows of recently shown documents (least recently used dropped first). */
  rows: Map<number, PageRow>;
  lexicon: { maxId: number; byPinyin: Map<string, string[]>; byInitials: Map<string, string[]>; byLength: Map<number, string[]>; pinyinOf: Map<string, string> };
  lexiconStale: boolean;
}

const MAX_POSTINGS_HELD = Number(process.env.SEARCH_MEMORY_POSTINGS ?? 4_000_000);
const states = new WeakMap<Core.Strapi, State>();

function stateOf(strapi: Core.Strapi): State {
  let state = states.get(strapi);
  if (!state) {
    const created: State = {
      version: 0,
      docs: null,
      postings: new Map(),
      postingsHeld: 0,
      rows: new Map(),
      lexicon: { maxId: 0, byPinyin: new Map(), byInitials: new Map(), byLength: new Map(), pinyinOf: new Map() },
      lexiconStale: true,
    };
    state = created;
    states.set(strapi, state);
    // Every write to a curriculum document re-indexes it; the rebuild and raw loads announce SEARCH_INDEX.
    onChange(strapi, ['api::lesson-plan.lesson-plan', 'api::psychodrama-script.psychodrama-script', 'api::counseling-case.counseling-case', SEARCH_INDEX], () => {
      created.version += 1;
      created.docs = null;
      created.postings.clear();
      created.postingsHeld = 0;
      created.rows.clear();
      // The lexicon only grows (a stale word matches nothing): read what was added since.
      created.lexiconStale = true;
    });
  }
  return state;
}

const knexOf = (strapi: Core.Strapi): Knex => strapi.db.connection;

/** The document table: one row per indexed document. */
export async function documents(strapi: Core.Strapi) {
  const state = stateOf(strapi);
  if (!state.docs) {
    const version = state.version;
    const loading = (async (): Promise<DocTable> => {
      const rows: { id: number | string; content_type: ContentType; restricted: boolean | number; grade_band: string | null; theme_slugs: string; length: number | string }[] = await knexOf(strapi)(DOCUMENTS_TABLE).select('id', 'content_type', 'restricted', 'grade_band', 'theme_slugs', 'length');
      const count = rows.length;
      const names = <T extends string>(list: T[]) => {
        const index = new Map<T, number>();
        return { list, of: (name: T) => index.get(name) ?? (index.set(name, list.push(name) - 1), list.length - 1) };
      };
      const types = names<ContentType>([]);
      const grades = names<string>([]);
      const themeNames = names<string>([]);
      const table: DocTable = {
        count,
        ids: new Int32Array(count),
        denseOf: new Map(),
        type: new Uint8Array(count),
        restricted: new Uint8Array(count),
        grade: new Int16Array(count),
        themeStart: new Int32Array(count + 1),
        themeIds: new Int16Array(0),
        norm: new Float32Array(count),
        typeNames: types.list,
        gradeNames: grades.list,
        themeNames: themeNames.list,
      };
      const lengths = rows.map((row) => Number(row.length));
      const avgdl = count ? lengths.reduce((sum, length) => sum + length, 0) / count : 1;
      const themeIds: number[] = [];
      rows.forEach((row, i) => {
        const id = Number(row.id);
        table.ids[i] = id;
        table.denseOf.set(id, i);
        table.type[i] = types.of(row.content_type);
        table.restricted[i] = row.restricted ? 1 : 0;
        table.grade[i] = row.grade_band ? grades.of(row.grade_band) : -1;
        table.themeStart[i] = themeIds.length;
        for (const slug of String(row.theme_slugs).split(',')) if (slug) themeIds.push(themeNames.of(slug));
        table.norm[i] = BM25_K1 * (1 - BM25_B + (BM25_B * lengths[i]) / avgdl);
      });
      table.themeStart[count] = themeIds.length;
      table.themeIds = Int16Array.from(themeIds);
      return table;
    })();
    state.docs = loading;
    loading.then(
      () => {
        if (state.version !== version && state.docs === loading) state.docs = null;
      },
      () => {
        if (state.docs === loading) state.docs = null;
      }
    );
  }
  return state.docs;
}

/**
 * Copies what `held` has of `keys` into `into` and returns the keys it lacks. `held` is least recently used
 * first (a Map keeps insertion order), so each key found moves to its end.
 */
function takeHeld<K, V>(held: Map<K, V>, keys: K[], into: Map<K, V>): K[] {
  const missing: K[] = [];
  for (const key of keys) {
    const value = held.get(key);
    if (value === undefined) {
      missing.push(key);
      continue;
    }
    held.delete(key);
    held.set(key, value);
    into.set(key, value);
  }
  return missing;
}

/** The posting lists of these terms (empty lists for terms in no document). */
export async function postingsOf(strapi: Core.Strapi, terms: string[]): Promise<Map<string, Postings>> {
  const state = stateOf(strapi);
  const version = state.version;
  const table = await documents(strapi);
  const result = new Map<string, Postings>();
  const missing = takeHeld(state.postings, terms, result);
  if (missing.length) {
    const rows: { term: string; document_ref: number | string; tf: number | string }[] = await knexOf(strapi)(POSTINGS_TABLE).whereIn('term', missing).select('term', 'document_ref', 'tf');
    const grouped = new Map<string, { docs: number[]; tf: number[] }>(missing.map((term) => [term, { docs: [], tf: [] }]));
    for (const row of rows) {
      const dense = table.denseOf.get(Number(row.document_ref));
      if (dense === undefined) continue;
      const list = grouped.get(row.term)!;
      list.docs.push(dense);
      list.tf.push(Number(row.tf));
    }
    for (const [term, list] of grouped) {
      const postings = { docs: Int32Array.from(list.docs), tf: Float32Array.from(list.tf) };
      result.set(term, postings);
      if (state.version !== version) continue;
      state.postings.set(term, postings);
      state.postingsHeld += postings.docs.length + 1;
    }
    while (state.postingsHeld > MAX_POSTINGS_HELD && state.postings.size) {
      const [oldest, postings] = state.postings.entries().next().value as [string, Postings];
      state.postings.delete(oldest);
      state.postingsHeld -= postings.docs.length + 1;
    }
  }
  return result;
}

const MAX_ROWS_HELD = Number(process.env.SEARCH_MEMORY_ROWS ?? 5_000);

/** The result-page rows of these documents (by row id); the most often shown stay in memory. */
export async function pageRows(strapi: Core.Strapi, ids: number[]): Promise<Map<number, PageRow>> {
  const state = stateOf(strapi);
  const version = state.version;
  const result = new Map<number, PageRow>();
  const missing = takeHeld(state.rows, ids, result);
  if (missing.length) {
    const rows: PageRow[] = await knexOf(strapi)(DOCUMENTS_TABLE).whereIn('id', missing).select('id', 'content_type', 'document_id', 'title', 'body', 'grade_band', 'theme_slugs');
    for (const row of rows) {
      result.set(Number(row.id), row);
      if (state.version === version) state.rows.set(Number(row.id), row);
    }
    while (state.rows.size > MAX_ROWS_HELD) state.rows.delete(state.rows.keys().next().value as number);
  }
  return result;
}

/** The index's words by pinyin, initials and length (for pinyin queries and typos), read as the index grows. */
export async function lexicon(strapi: Core.Strapi) {
  const state = stateOf(strapi);
  if (state.lexiconStale) {
    state.lexiconStale = false;
    const rows: { id: number | string; term: string; pinyin: string | null; initials: string | null }[] = await knexOf(strapi)(LEXICON_TABLE).where('id', '>', state.lexicon.maxId).select('id', 'term', 'pinyin', 'initials').orderBy('id');
    const add = <K>(map: Map<K, string[]>, key: K, term: string) => {
      const list = map.get(key);
      if (list) list.push(term);
      else map.set(key, [term]);
    };
    for (const row of rows) {
      state.lexicon.maxId = Math.max(state.lexicon.maxId, Number(row.id));
      // A rebuild writes the lexicon anew under new ids: words already known are not listed twice.
      if (state.lexicon.pinyinOf.has(row.term)) continue;
      const length = [...row.term].length;
      if (row.pinyin) {
        for (const form of row.pinyin.split(' ')) add(state.lexicon.byPinyin, form, row.term);
        state.lexicon.pinyinOf.set(row.term, row.pinyin.split(' ')[0]);
        add(state.lexicon.byLength, length, row.term);
      }
      if (row.initials && length >= 2) add(state.lexicon.byInitials, row.initials, row.term);
    }
  }
  return {
    byPinyin: state.lexicon.byPinyin,
    byInitials: state.lexicon.byInitials,
    byLength: (length: number) => state.lexicon.byLength.get(length) ?? [],
    pinyinOf: state.lexicon.pinyinOf,
  };
}

/** The lexicon rows of new index terms: Han words with their pinyin forms ("jiaolv jiaolu") and initials. */
export function lexiconRows(terms: Iterable<string>) {
  const rows: { term: string; pinyin: string | null; initials: string | null }[] = [];
  for (const term of terms) {
    const forms = pinyinForms(term);
    rows.push({ term, pinyin: forms ? forms.full.join(' ').slice(0, 250) : null, initials: forms ? forms.initials.slice(0, 64) : null });
  }
  return rows;
}
