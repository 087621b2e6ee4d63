import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

// jieba with its standard dictionary; loaded once per process (~100 ms).
let jieba: Jieba | undefined;
const segmenter = () => (jieba ??= Jieba.withDict(dict));

// Function words that would match nearly every document and carry no meaning for ranking.
const STOP_WORDS = new Set(
  '的 了 和 与 及 或 在 是 有 也 就 都 而 并 着 把 被 让 对 从 向 为 以 之 其 这 那 一个 我们 你们 他们 她们 它们 我 你 他 她 它 吗 呢 吧 啊 等'.split(' ')
);
const WORD_LIKE = /[\p{L}\p{N}]/u;
const MAX_TERM_LENGTH = 64;

const keep = (token: string) => WORD_LIKE.test(token) && !STOP_WORDS.has(token) && token.length <= MAX_TERM_LENGTH;

/** Index terms: jieba's search mode also emits the shorter words inside long ones (初中生 → 初中, 初中生). */
export function indexTerms(text: string): string[] {
  return segmenter()
    .cutForSearch(text, true)
    .map((token) => token.trim().toLowerCase())
    .filter(keep);
}

/** Query terms: precise mode, unique, in query order. */
export function queryTerms(query: string): string[] {
  const terms = segmenter()
    .cut(query, true)
    .map((token) => token.trim().toLowerCase())
    .filter(keep);
  return [...new Set(terms)];
}
