import { vocabulary } from './vocabulary';
import { fold } from './normalize';

const WORD_LIKE = /[\p{L}\p{N}]/u;
const MAX_TERM_LENGTH = 64;

const keep = (functionWords: Set<string>) => (token: string) => WORD_LIKE.test(token) && !functionWords.has(token) && token.length <= MAX_TERM_LENGTH;

/**
 * Index terms of folded text (simplified characters, lower case): jieba's search mode with our vocabulary also
 * emits the dictionary words inside long ones (预防性侵害 → 预防, 性侵, 侵害, 性侵害, 预防性侵害).
 */
export function indexTerms(text: string): string[] {
  const { jieba, functionWords } = vocabulary();
  return jieba
    .cutForSearch(fold(text), true)
    .map((token) => token.trim())
    .filter(keep(functionWords));
}

/** Query terms: precise mode, unique, in query order (stop words are the query's business: src/content/search/query.ts). */
export function queryTerms(query: string): string[] {
  const { jieba, functionWords } = vocabulary();
  const terms = jieba
    .cut(fold(query), true)
    .map((token) => token.trim())
    .filter(keep(functionWords));
  return [...new Set(terms)];
}
