import { dcg, gain, mean, ndcgAt, recallAt } from '../helpers/relevance';

const judged = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('graded gain and DCG', () => {
  test('gain is 2^grade − 1', () => {
    expect([gain(0), gain(1), gain(2)]).toEqual([0, 1, 3]);
  });
  test('rank i is discounted by log2(i + 1)', () => {
    // 3/1 + 1/log2(3) + 1/2
    expect(dcg([3, 1, 1])).toBeCloseTo(3 + 0.63093 + 0.5, 4);
  });
});

describe('nDCG@k', () => {
  test('the ideal order scores 1, nothing relevant scores 0', () => {
    const j = judged({ a: 2, b: 1 });
    expect(ndcgAt(10, ['a', 'b', 'x'], j)).toBeCloseTo(1, 10);
    expect(ndcgAt(10, ['x', 'y'], j)).toBe(0);
    expect(ndcgAt(10, [], j)).toBe(0);
  });
  test('a hand-computed example: [a, x, c] against a=2, c=1', () => {
    // DCG = 3/1 + 0 + 1/2 = 3.5; ideal = 3/1 + 1/log2(3) = 3.63093
    expect(ndcgAt(10, ['a', 'x', 'c'], judged({ a: 2, c: 1 }))).toBeCloseTo(3.5 / 3.63093, 4);
  });
  test('the relevant document second instead of first: [x, a] against a=2', () => {
    // DCG = 3/log2(3) = 1.89279; ideal = 3
    expect(ndcgAt(10, ['x', 'a'], judged({ a: 2 }))).toBeCloseTo(0.63093, 4);
  });
  test('only the top k count, and a repeated document earns once', () => {
    const ranked = [...'xxxxxxxxxx'.split('').map((x, i) => `${x}${i}`), 'a'];
    expect(ndcgAt(10, ranked, judged({ a: 2 }))).toBe(0);
    // [a, a, b]: the second a is skipped, so b is at rank 2 → DCG = 3 + 1/log2(3) = ideal
    expect(ndcgAt(10, ['a', 'a', 'b'], judged({ a: 2, b: 1 }))).toBeCloseTo(1, 10);
  });
  test('the ideal DCG is cut at k too', () => {
    // 12 judged docs of grade 1, all ranked: ideal and actual both sum only the first 10
    const keys = Array.from({ length: 12 }, (_, i) => `d${i}`);
    expect(ndcgAt(10, keys, judged(Object.fromEntries(keys.map((k) => [k, 1]))))).toBeCloseTo(1, 10);
  });
  test('a query without judgments is an error in the test set', () => {
    expect(() => ndcgAt(10, ['a'], new Map())).toThrow(/judged/);
  });
});

describe('recall@k', () => {
  test('judged documents found in the top k over all judged documents', () => {
    expect(recallAt(10, ['a', 'x', 'c', 'y'], judged({ a: 2, b: 2, c: 1, d: 1 }))).toBe(0.5);
    expect(recallAt(2, ['a', 'x', 'c'], judged({ a: 2, c: 1 }))).toBe(0.5);
    expect(recallAt(10, ['c', 'a'], judged({ a: 2, c: 1 }))).toBe(1);
    expect(recallAt(10, ['a', 'a'], judged({ a: 2, c: 1 }))).toBe(0.5);
  });
  test('grades do not matter for recall', () => {
    expect(recallAt(10, ['c'], judged({ a: 2, c: 1 }))).toBe(0.5);
  });
});

test('mean', () => {
  expect(mean([1, 0.5, 0])).toBe(0.5);
  expect(mean([])).toBeNaN();
});
