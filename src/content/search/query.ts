import type { Core } from '@strapi/strapi';
import type { ContentType } from '../curriculum';
import { documents, lexicon, pageRows, postingsOf, BM25_K1, type Postings } from './memory';
import { isHan, isLatin, pinyinForms } from './normalize';
import { queryTerms } from './tokenize';
import { vocabulary } from './vocabulary';
import { snippetMaker } from './snippet';

/*
 * A query as teachers type it: each word of the query (stop words of questions dropped unless nothing else is
 * left) is a concept, found through any of its variants — the word itself; its synonyms; for a word typed in
 * pinyin, the index's words with that pinyin or those initials; for a long word, its parts together; and, when
 * none of those is in the index, the index's words one character away (homophones first). A document scores
 * BM25 for each concept's best variant; documents matching more concepts rank first.
 */
const PARTS_WEIGHT = 0.7;
const PART_WEIGHT = 0.35;
const PINYIN_WEIGHT = 0.9;
const INITIALS_WEIGHT = 0.7;
const TYPO_WEIGHT = 0.8;
/** How many index words one pinyin spelling or typo may stand for (the most frequent first). */
const MAX_READINGS = 3;

export interface QueryParams {
  q: string;
  types: ContentType[];
  gradeBand?: string;
  theme?: string;
  page: number;
  pageSize: number;
  includeRestricted: boolean;
}

export interface Facet {
  value: string;
  count: number;
}
export interface SearchFacets {
  types: Facet[];
  gradeBands: Facet[];
  themes: Facet[];
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
  /** The query's words after stop words: what was searched for. */
  terms: string[];
  /** Words of the query read as other index words: pinyin, or a typo (焦绿 → 焦虑). */
  corrections: { from: string; to: string[] }[];
  facets: SearchFacets;
}

/** One way a concept is found: every term present (one term, or a long word's parts), at a weight. */
interface Variant {
  terms: string[];
  weight: number;
}
interface Concept {
  word: string;
  variants: Variant[];
}

/** The parts of a long dictionary word (考试焦虑 → 考试, 焦虑), if two-character words cover most of it. */
function partsOf(word: string): string[] {
  const chars = [...word];
  if (chars.length < 3 || !isHan(word)) return [];
  const candidates = vocabulary()
    .jieba.cutForSearch(word, false)
    .filter((part) => [...part].length === 2 && part !== word);
  const parts: string[] = [];
  let covered = 0;
  let next = 0;
  for (let i = 0; i < chars.length - 1; i += 1) {
    const pair = chars[i] + chars[i + 1];
    if (i >= next && candidates.includes(pair)) {
      parts.push(pair);
      covered += 2;
      next = i + 2;
    }
  }
  return covered / chars.length >= 0.75 && parts.length >= 2 ? parts : [];
}

const df = (postings: Map<string, Postings>, term: string) => postings.get(term)?.docs.length ?? 0;

/** The query's concepts with the variants known before reading the index. */
function conceptsOf(q: string): { words: string[]; concepts: Concept[] } {
  const { stop, synonyms } = vocabulary();
  const tokens = queryTerms(q);
  const topical = tokens.filter((token) => !stop.has(token));
  let words = topical.length ? topical : tokens;
  // Pinyin typed with spaces (qing xu, xin li jian kang) is one word.
  if (words.length >= 2 && words.every(isLatin)) words = [words.join(''), ...words];
  const concepts = words.map((word) => {
    const variants: Variant[] = [{ terms: [word], weight: 1 }];
    for (const synonym of synonyms.get(word) ?? []) variants.push({ terms: [synonym.term], weight: synonym.weight });
    // A long word is also found by its parts: together nearly as well, one alone at a fraction (入学适应 → 适应).
    const parts = partsOf(word);
    if (parts.length) variants.push({ terms: parts, weight: PARTS_WEIGHT }, ...parts.map((part) => ({ terms: [part], weight: PART_WEIGHT })));
    return { word, variants };
  });
  return { words, concepts };
}

/** The facet counts of one dimension. */
const facetList = (counts: Map<string, number>): Facet[] => [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));

export async function runQuery(strapi: Core.Strapi, params: QueryParams): Promise<SearchResult> {
  const empty = (words: string[] = []): SearchResult => ({ hits: [], total: 0, terms: words, corrections: [], facets: { types: [], gradeBands: [], themes: [] } });
  let { words, concepts } = conceptsOf(params.q);
  if (concepts.length === 0 || params.types.length === 0) return empty(words);
  const table = await documents(strapi);
  const n = table.count;
  if (n === 0) return empty(words);

  // Pinyin: a Latin word that is no index word of its own reads as the words with that pinyin or those initials.
  const corrections: { from: string; to: string[] }[] = [];
  const initial = await postingsOf(strapi, [...new Set(concepts.flatMap((c) => c.variants.flatMap((v) => v.terms)))]);
  const lex = isLatinQuery(concepts) || concepts.some((c) => isHan(c.word)) ? await lexicon(strapi) : null;
  const readings = new Map<string, Variant[]>();
  for (const concept of concepts) {
    if (!isLatin(concept.word) || concept.word.length < 2 || !lex) continue;
    const full = lex.byPinyin.get(concept.word) ?? [];
    const initials = concept.word.length <= 6 ? (lex.byInitials.get(concept.word) ?? []) : [];
    if (full.length || initials.length) readings.set(concept.word, [...full.map((term) => ({ terms: [term], weight: PINYIN_WEIGHT })), ...initials.map((term) => ({ terms: [term], weight: INITIALS_WEIGHT }))]);
  }
  // Typos: a Han word of two or more characters in no document reads as the index words one character away.
  const nearWords = (word: string) => {
    if (!lex) return [];
    const chars = [...word];
    const sound = pinyinForms(word)?.full[0] ?? null;
    return lex
      .byLength(chars.length)
      .filter((term) => {
        const other = [...term];
        let diff = 0;
        for (let i = 0; i < chars.length && diff < 2; i += 1) if (other[i] !== chars[i]) diff += 1;
        return diff === 1;
      })
      .map((term) => ({ terms: [term], weight: TYPO_WEIGHT * (sound && lex.pinyinOf.get(term) === sound ? 1 : 0.75) }));
  };
  const unknown = (concept: Concept) => isHan(concept.word) && !concept.variants.some((v) => v.terms.every((term) => df(initial, term) > 0));
  // A typo often splits the word around it (情续管理 → 情续 / 管理): the pair is read as one word when it can be.
  for (let i = 0; i + 1 < concepts.length; i += 1) {
    const [a, b] = [concepts[i], concepts[i + 1]];
    if (!(unknown(a) || unknown(b)) || !isHan(a.word) || !isHan(b.word)) continue;
    const near = nearWords(a.word + b.word);
    if (!near.length) continue;
    const joined = { word: a.word + b.word, variants: [] as Variant[] };
    concepts.splice(i, 2, joined);
    words = concepts.map((c) => c.word);
    readings.set(joined.word, near);
  }
  for (const concept of concepts) {
    if (!lex || !isHan(concept.word) || [...concept.word].length < 2 || readings.has(concept.word) || !unknown(concept)) continue;
    const near = nearWords(concept.word);
    if (near.length) readings.set(concept.word, near);
  }
  // Initials of several words at once (ylgl → 压力 管理): two letters a word, each its most frequent reading.
  for (const concept of concepts) {
    if (!lex || !isLatin(concept.word) || readings.has(concept.word) || concept.word.length < 4 || concept.word.length % 2) continue;
    const chunks = concept.word.match(/../g) ?? [];
    const perChunk = chunks.map((chunk) => lex.byInitials.get(chunk) ?? []);
    if (perChunk.some((list) => list.length === 0)) continue;
    const listed = await postingsOf(strapi, [...new Set(perChunk.flat())]);
    const picks = perChunk.map((list) => [...list].sort((x, y) => df(listed, y) - df(listed, x))[0]);
    if (picks.some((term) => df(listed, term) === 0)) continue;
    readings.set(concept.word, [{ terms: picks, weight: INITIALS_WEIGHT }, ...picks.map((term) => ({ terms: [term], weight: INITIALS_WEIGHT * PART_WEIGHT }))]);
  }
  const readingPostings = await postingsOf(strapi, [...new Set([...readings.values()].flat().flatMap((v) => v.terms))]);
  // Space-joined pinyin read as one word replaces its syllables; unread, the syllables stay as typed.
  if (concepts.length >= 2 && concepts.slice(1).every((c) => isLatin(c.word)) && concepts[0].word === concepts.slice(1).map((c) => c.word).join('')) {
    concepts = readings.has(concepts[0].word) ? [concepts[0]] : concepts.slice(1);
    words = concepts.map((c) => c.word);
  }
  for (const concept of concepts) {
    const all = readings.get(concept.word) ?? [];
    // Several words read from initials at once come as they are.
    if (all.length && all[0].terms.length > 1) {
      concept.variants.push(...all);
      corrections.push({ from: concept.word, to: all[0].terms });
      continue;
    }
    const candidates = all.filter((v) => df(readingPostings, v.terms[0]) > 0);
    if (!candidates.length) continue;
    // The likeliest readings only: homophones (a typo) or full pinyin before initials, then words at least a
    // third as frequent as the most frequent — so qx reads as 情绪, not as every rare word with those initials.
    const top = Math.max(...candidates.map((v) => v.weight));
    const likely = candidates.filter((v) => v.weight === top);
    const most = Math.max(...likely.map((v) => df(readingPostings, v.terms[0])));
    const best = likely
      .filter((v) => df(readingPostings, v.terms[0]) * 3 >= most)
      .sort((a, b) => df(readingPostings, b.terms[0]) - df(readingPostings, a.terms[0]))
      .slice(0, MAX_READINGS);
    concept.variants.push(...best);
    // A word read from pinyin or a typo brings its synonyms and, if long, its parts (kaoshi jiaolv → 考试焦虑 → 考试, 焦虑).
    for (const reading of best) {
      for (const synonym of vocabulary().synonyms.get(reading.terms[0]) ?? []) concept.variants.push({ terms: [synonym.term], weight: reading.weight * synonym.weight });
      const parts = partsOf(reading.terms[0]);
      if (parts.length) concept.variants.push({ terms: parts, weight: reading.weight * PARTS_WEIGHT }, ...parts.map((part) => ({ terms: [part], weight: reading.weight * PART_WEIGHT })));
    }
    corrections.push({ from: concept.word, to: best.map((v) => v.terms[0]) });
  }
  const known = new Set([...initial.keys(), ...readingPostings.keys()]);
  const partPostings = await postingsOf(strapi, [...new Set(concepts.flatMap((c) => c.variants.flatMap((v) => v.terms)))].filter((term) => !known.has(term)));
  const postings = new Map([...initial, ...readingPostings, ...partPostings]);

  // BM25 of each concept's best variant, per document.
  const idf = (term: string) => {
    const d = df(postings, term);
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  };
  // Dense arrays over the document table: a query walks its posting lists without allocating per posting.
  // Scratch arrays of the table, zero between queries: this block runs without awaiting, and puts back every cell it used.
  const { score, matched, best, sum, seen, hit, touched, inVariant, matches } = scratchOf(table);
  let hits = 0;
  for (const concept of concepts) {
    let touchedCount = 0;
    for (const variant of concept.variants) {
      if (!variant.terms.every((term) => df(postings, term) > 0)) continue;
      const scale = variant.weight / Math.sqrt(variant.terms.length);
      if (variant.terms.length === 1) {
        const list = postings.get(variant.terms[0])!;
        const weight = idf(variant.terms[0]) * scale * (BM25_K1 + 1);
        for (let i = 0; i < list.docs.length; i += 1) {
          const d = list.docs[i];
          const tf = list.tf[i];
          const s = (weight * tf) / (tf + table.norm[d]);
          if (best[d] === 0) touched[touchedCount++] = d;
          if (s > best[d]) best[d] = s;
        }
        continue;
      }
      // A variant of several terms (a long word's parts) counts in documents holding all of them.
      let inVariantCount = 0;
      for (const term of variant.terms) {
        const list = postings.get(term)!;
        const weight = idf(term) * (BM25_K1 + 1);
        for (let i = 0; i < list.docs.length; i += 1) {
          const d = list.docs[i];
          const tf = list.tf[i];
          if (seen[d] === 0) inVariant[inVariantCount++] = d;
          seen[d] += 1;
          sum[d] += (weight * tf) / (tf + table.norm[d]);
        }
      }
      for (let k = 0; k < inVariantCount; k += 1) {
        const d = inVariant[k];
        if (seen[d] === variant.terms.length) {
          const s = scale * sum[d];
          if (best[d] === 0) touched[touchedCount++] = d;
          if (s > best[d]) best[d] = s;
        }
        seen[d] = 0;
        sum[d] = 0;
      }
    }
    for (let k = 0; k < touchedCount; k += 1) {
      const d = touched[k];
      if (matched[d] === 0) hit[hits++] = d;
      matched[d] += 1;
      score[d] += best[d];
      best[d] = 0;
    }
  }

  // Filters and facets: each dimension counted under the other dimensions' filters, so a facet value is what its filter would give.
  const typeWanted = new Uint8Array(table.typeNames.length);
  table.typeNames.forEach((name, i) => {
    typeWanted[i] = params.types.includes(name) && (params.includeRestricted || name !== 'counseling-case') ? 1 : 0;
  });
  const gradeWanted = params.gradeBand === undefined ? -2 : table.gradeNames.indexOf(params.gradeBand);
  const themeWanted = params.theme === undefined ? -2 : table.themeNames.indexOf(params.theme);
  const typeCounts = new Int32Array(table.typeNames.length);
  const gradeCounts = new Int32Array(table.gradeNames.length);
  const themeCounts = new Int32Array(table.themeNames.length);
  let matchCount = 0;
  const { themeStart, themeIds } = table;
  for (let h = 0; h < hits; h += 1) {
    const d = hit[h];
    if (table.restricted[d] && !params.includeRestricted) continue;
    const typeOk = typeWanted[table.type[d]] === 1;
    const gradeOk = gradeWanted === -2 || table.grade[d] === gradeWanted;
    const from = themeStart[d];
    const to = themeStart[d + 1];
    let themeOk = themeWanted === -2;
    for (let t = from; !themeOk && t < to; t += 1) themeOk = themeIds[t] === themeWanted;
    if (gradeOk && themeOk) typeCounts[table.type[d]] += 1;
    if (typeOk && themeOk && table.grade[d] >= 0) gradeCounts[table.grade[d]] += 1;
    if (typeOk && gradeOk) for (let t = from; t < to; t += 1) themeCounts[themeIds[t]] += 1;
    if (typeOk && gradeOk && themeOk) matches[matchCount++] = d;
  }
  // More concepts matched first, then relevance; the row id keeps ties stable.
  const before = (a: number, b: number) => (matched[a] !== matched[b] ? matched[a] > matched[b] : score[a] !== score[b] ? score[a] > score[b] : table.ids[a] < table.ids[b]);
  const top = topK(matches, matchCount, params.page * params.pageSize, before)
    .slice((params.page - 1) * params.pageSize)
    .map((d) => ({ ref: table.ids[d] }));
  for (let h = 0; h < hits; h += 1) {
    const d = hit[h];
    score[d] = 0;
    matched[d] = 0;
  }
  const counted = (names: string[], counts: Int32Array) => new Map(names.map((name, i) => [name, counts[i]] as [string, number]).filter(([, count]) => count > 0));
  const typeCountsByName = counted(table.typeNames, typeCounts);
  const gradeCountsByName = counted(table.gradeNames, gradeCounts);
  const themeCountsByName = counted(table.themeNames, themeCounts);
  const facets = { types: facetList(typeCountsByName), gradeBands: facetList(gradeCountsByName), themes: facetList(themeCountsByName) };

  const byRef = await pageRows(strapi, top.map((m) => m.ref));
  const highlight = [...new Set(concepts.flatMap((c) => c.variants.filter((v) => v.terms.every((t) => df(postings, t) > 0)).flatMap((v) => v.terms)))];
  const snippet = snippetMaker(highlight);
  const page = top
    .map((match) => byRef.get(match.ref))
    .filter((row): row is NonNullable<typeof row> => Boolean(row))
    .map((row) => ({
      type: row.content_type,
      documentId: row.document_id,
      title: row.title,
      snippet: snippet(row.body || row.title),
      gradeBand: row.grade_band,
      themes: String(row.theme_slugs).split(',').filter(Boolean),
    }));
  return { hits: page, total: matchCount, terms: words, corrections, facets };
}

const isLatinQuery = (concepts: Concept[]) => concepts.some((c) => isLatin(c.word));

/** The best k of the first `count` items in order, without sorting them all (a bounded selection). */
function topK(items: Int32Array, count: number, k: number, before: (a: number, b: number) => boolean): number[] {
  const order = (a: number, b: number) => (before(a, b) ? -1 : 1);
  if (count <= k) return Array.from(items.subarray(0, count)).sort(order);
  const kept: number[] = [];
  for (let j = 0; j < count; j += 1) {
    const item = items[j];
    if (kept.length < k) {
      kept.push(item);
      if (kept.length === k) kept.sort(order);
    } else if (before(item, kept[k - 1])) {
      // Insert in place: k is a page or a few, so this stays cheap next to the scan.
      let i = k - 1;
      while (i > 0 && before(item, kept[i - 1])) i -= 1;
      kept.splice(i, 0, item);
      kept.pop();
    }
  }
  return kept;
}

interface Scratch {
  score: Float64Array;
  matched: Uint8Array;
  best: Float64Array;
  sum: Float64Array;
  seen: Uint8Array;
  /** Lists of dense document indexes, filled from the start and read up to their count. */
  hit: Int32Array;
  touched: Int32Array;
  inVariant: Int32Array;
  matches: Int32Array;
}
const scratch = new WeakMap<object, Scratch>();
/** One set of scratch arrays per document table (a reloaded table gets new ones). */
function scratchOf(table: { count: number }) {
  let arrays = scratch.get(table);
  if (!arrays) {
    const n = table.count;
    arrays = {
      score: new Float64Array(n),
      matched: new Uint8Array(n),
      best: new Float64Array(n),
      sum: new Float64Array(n),
      seen: new Uint8Array(n),
      hit: new Int32Array(n),
      touched: new Int32Array(n),
      inVariant: new Int32Array(n),
      matches: new Int32Array(n),
    };
    scratch.set(table, arrays);
  }
  return arrays;
}

