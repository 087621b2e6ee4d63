import { createHash } from 'crypto';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import type { Core, Modules } from '@strapi/strapi';
import vocabularyFile from '../../../database/reference/search-vocabulary.json';
import { fieldError } from '../../shared/errors';
import { fold } from './normalize';

/*
 * The search's vocabulary: words jieba must keep whole, synonym groups and question stop words. Versioned in
 * database/reference/search-vocabulary.json, seeded into 搜索词库 (api::search-term) and read from there, so
 * researchers extend it in the admin panel without a deploy. Every instance reloads it when it changes; a
 * change of words (which changes how text is cut) rebuilds the search index, once, under its lock.
 */
export const SEARCH_TERM_UID = 'api::search-term.search-term';
export const VOCABULARY_KINDS = ['word', 'equivalent', 'related', 'stop'] as const;
export type VocabularyKind = (typeof VOCABULARY_KINDS)[number];
export interface VocabularyEntry {
  kind: VocabularyKind;
  terms: string[];
}

/** Weight of a synonym's hits against the query word's own. */
const WEIGHT = { equivalent: 1, related: 0.6 } as const;
// High enough that jieba keeps the word whole against its own dictionary's splits (预防性 / 侵害).
const WORD_FREQUENCY = 200_000;
const MAX_TERM = 32;

// Function words, always stopped at index and query time.
const FUNCTION_WORDS = '的 了 和 与 及 或 在 是 有 也 就 都 而 并 着 把 被 让 对 从 向 为 以 之 其 这 那 一个 我们 你们 他们 她们 它们 我 你 他 她 它 吗 呢 吧 啊 等'.split(' ');

export interface Vocabulary {
  jieba: Jieba;
  /** Query-time stop words: question words and the like (dropped unless nothing else is left). */
  stop: Set<string>;
  /** Index- and query-time stop words: function words. */
  functionWords: Set<string>;
  synonyms: Map<string, { term: string; weight: number }[]>;
  /** Changes whenever the way text is cut changes: the index is rebuilt when it differs from the stored one. */
  wordsHash: string;
}

/** The terms of an entry as typed in the panel: separated by spaces, commas or 、, folded to one written form. */
export function parseTerms(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...new Set(text.split(/[\s,，、;；|/]+/u).map((term) => fold(term.trim())).filter(Boolean))];
}

/** Builds the vocabulary from entries (the stored ones, or the file's before the database is there). */
export function buildVocabulary(entries: VocabularyEntry[]): Vocabulary {
  const words = new Set<string>();
  const stop = new Set<string>();
  const synonyms = new Map<string, { term: string; weight: number }[]>();
  for (const entry of entries) {
    const terms = entry.terms.map((term) => fold(term)).filter((term) => term && term.length <= MAX_TERM);
    if (entry.kind === 'stop') {
      for (const term of terms) stop.add(term);
      continue;
    }
    // Words of two or more characters without spaces: anything else would only confuse the segmenter.
    for (const term of terms) if (term.length >= 2 && !/\s/.test(term)) words.add(term);
    if (entry.kind === 'equivalent' || entry.kind === 'related') {
      for (const term of terms) {
        const list = synonyms.get(term) ?? [];
        for (const other of terms) {
          if (other === term) continue;
          const existing = list.find((s) => s.term === other);
          if (existing) existing.weight = Math.max(existing.weight, WEIGHT[entry.kind]);
          else list.push({ term: other, weight: WEIGHT[entry.kind] });
        }
        synonyms.set(term, list);
      }
    }
  }
  // One step further through equivalents: 网瘾 = 网络成瘾, and 网络成瘾 ~ 手机依赖, so 网瘾 ~ 手机依赖.
  for (const [term, list] of synonyms) {
    for (const equivalent of list.filter((s) => s.weight === WEIGHT.equivalent)) {
      for (const further of synonyms.get(equivalent.term) ?? []) {
        if (further.term === term || list.some((s) => s.term === further.term)) continue;
        list.push({ term: further.term, weight: further.weight });
      }
    }
  }
  const sortedWords = [...words].sort();
  const jieba = Jieba.withDict(dict);
  if (sortedWords.length) jieba.loadDict(Buffer.from(sortedWords.map((word) => `${word} ${WORD_FREQUENCY}`).join('\n'), 'utf8'));
  return {
    jieba,
    stop,
    functionWords: new Set(FUNCTION_WORDS),
    synonyms,
    wordsHash: createHash('sha256').update(sortedWords.join('\n')).digest('hex').slice(0, 16),
  };
}

const fileEntries = (): VocabularyEntry[] => vocabularyFile.entries.map((entry) => ({ kind: entry.kind as VocabularyKind, terms: entry.terms }));

let current: Vocabulary | undefined;
/** The vocabulary in use (the file's until the stored one is loaded at boot). */
export function vocabulary(): Vocabulary {
  return (current ??= buildVocabulary(fileEntries()));
}

interface StoredEntry {
  kind: VocabularyKind;
  terms: string;
  enabled: boolean | null;
}

/** Reads the enabled stored entries and makes them the vocabulary in use; returns it. */
export async function loadVocabulary(strapi: Core.Strapi): Promise<Vocabulary> {
  const rows = (await strapi.db.query(SEARCH_TERM_UID).findMany({ select: ['kind', 'terms', 'enabled'] })) as StoredEntry[];
  current = buildVocabulary(rows.filter((row) => row.enabled !== false).map((row) => ({ kind: row.kind, terms: parseTerms(row.terms) })));
  return current;
}

const seedKeyOf = (entry: VocabularyEntry) => `${entry.kind}:${[...entry.terms].map(fold).sort().join('|')}`.slice(0, 255);

/** Boot: creates the file's entries that were never created (by seed key); entries edited in the panel stay as they are. */
export async function seedVocabulary(strapi: Core.Strapi): Promise<number> {
  const existing = new Set(((await strapi.db.query(SEARCH_TERM_UID).findMany({ select: ['seedKey'] })) as { seedKey: string | null }[]).map((row) => row.seedKey));
  let created = 0;
  for (const entry of fileEntries()) {
    const seedKey = seedKeyOf(entry);
    if (existing.has(seedKey)) continue;
    await strapi.documents(SEARCH_TERM_UID).create({ data: { kind: entry.kind, terms: entry.terms.join('、'), enabled: true, seedKey } as never });
    created += 1;
  }
  return created;
}

/** Document Service middleware: every write of a vocabulary entry holds valid terms for its kind, named on failure. */
export const searchTermMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
  if (context.uid !== SEARCH_TERM_UID || !['create', 'update'].includes(context.action)) return next();
  const data = ((context.params as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>;
  if ('seedKey' in data && context.action === 'update') delete data.seedKey;
  if (context.action === 'create' || 'terms' in data || 'kind' in data) {
    let kind = data.kind as VocabularyKind | undefined;
    let termsText = data.terms;
    if (context.action === 'update' && (kind === undefined || termsText === undefined)) {
      const documentId = (context.params as { documentId?: string }).documentId;
      const stored = documentId ? ((await strapi.db.query(SEARCH_TERM_UID).findOne({ where: { documentId }, select: ['kind', 'terms'] })) as { kind: VocabularyKind; terms: string } | null) : null;
      kind ??= stored?.kind;
      termsText ??= stored?.terms;
    }
    const terms = parseTerms(termsText);
    if (terms.length === 0) throw fieldError('terms', 'terms: at least one word (separate words with spaces, commas or 、)');
    const long = terms.find((term) => term.length > MAX_TERM);
    if (long) throw fieldError('terms', `terms: "${long.slice(0, 40)}" is longer than ${MAX_TERM} characters`);
    if ((kind === 'equivalent' || kind === 'related') && terms.length < 2) throw fieldError('terms', `terms: a ${kind} group needs at least two words`);
  }
  return next();
};
