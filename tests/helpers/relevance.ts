/*
 * Ranking metrics for the search relevance test set (tests/search/relevance.json).
 * Documents are identified by any string key (the test uses "type:documentId"); a ranked key that is not
 * judged has gain 0.
 */

export type ContentType = 'lesson-plan' | 'psychodrama-script' | 'counseling-case';
export type QueryKind =
  | 'plain' | 'traditional' | 'pinyin-full' | 'pinyin-initials' | 'english' | 'typo' | 'synonym' | 'domain' | 'question';
export const QUERY_KINDS: readonly QueryKind[] = [
  'plain', 'traditional', 'pinyin-full', 'pinyin-initials', 'english', 'typo', 'synonym', 'domain', 'question',
];

/** 2 = highly relevant, 1 = relevant. */
export type Grade = 1 | 2;
export interface JudgedDocument { type: ContentType; title: string; grade: Grade }
export interface JudgedQuery { q: string; kind: QueryKind; relevant: JudgedDocument[] }
export interface RelevanceSet { version: number; queries: JudgedQuery[] }

/** Graded gain: a highly relevant document is worth three relevant ones at the same rank. */
export const gain = (grade: number) => 2 ** grade - 1;

/** Discounted cumulative gain of gains in rank order (rank 1 is undiscounted: log2(1 + 1) = 1). */
export function dcg(gains: number[]): number {
  return gains.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
}

/** Only the first occurrence of a key counts: an engine cannot earn gain twice by repeating a document. */
function topK(ranked: string[], k: number): string[] {
  return [...new Set(ranked)].slice(0, k);
}

function assertJudged(judged: ReadonlyMap<string, number>) {
  // A query without judgments would score 0/0; that is a mistake in the test set, not in the engine.
  if (judged.size === 0) throw new Error('a query needs at least one judged document');
}

/** nDCG@k with the ideal ranking taken from the judged documents. */
export function ndcgAt(k: number, ranked: string[], judged: ReadonlyMap<string, number>): number {
  assertJudged(judged);
  const actual = dcg(topK(ranked, k).map((key) => gain(judged.get(key) ?? 0)));
  const ideal = dcg([...judged.values()].sort((a, b) => b - a).slice(0, k).map(gain));
  return actual / ideal;
}

/** Share of the judged documents found in the top k. */
export function recallAt(k: number, ranked: string[], judged: ReadonlyMap<string, number>): number {
  assertJudged(judged);
  return topK(ranked, k).filter((key) => judged.has(key)).length / judged.size;
}

export const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
