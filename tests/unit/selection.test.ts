import { isUniqueViolation } from '../../src/shared/sql';
import { assertTransition, awardLevel, beijingYear, rankCandidates, validateRubric, validateYearWindow, weightedScore } from '../../src/library/selection';

const rubric = [
  { key: 'design', name: '教学设计', weight: 3, minScore: 0, maxScore: 10 },
  { key: 'effect', name: '实施效果', weight: 1, minScore: 0, maxScore: 10 },
];

describe('round transitions go one step forward only', () => {
  test.each([['draft', 'open'], ['open', 'reviewing'], ['reviewing', 'finalised']] as const)('%s → %s is allowed', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });
  test.each([['draft', 'reviewing'], ['open', 'draft'], ['reviewing', 'open'], ['finalised', 'draft'], ['draft', 'draft']] as const)(
    '%s → %s is a 409',
    (from, to) => {
      expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ status: 409, name: 'ConflictError' }));
    }
  );
  test('an unknown status is a 400', () => {
    expect(() => assertTransition('draft', 'closed')).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  });
});

describe('weightedScore', () => {
  test('is Σ weight × score / Σ weight, rounded to 3 decimals', () => {
    expect(weightedScore(rubric, { design: 8, effect: 4 })).toBe(7);
    expect(weightedScore(rubric, { design: 7, effect: 8 })).toBe(7.25);
    expect(weightedScore([{ key: 'a', name: 'A', weight: 1, minScore: 0, maxScore: 10 }, { key: 'b', name: 'B', weight: 2, minScore: 0, maxScore: 10 }], { a: 1, b: 0 })).toBe(0.333);
  });
  test.each([
    [{ design: 11, effect: 5 }, ['scores', 'design'], /between 0 and 10, got 11/],
    [{ design: -1, effect: 5 }, ['scores', 'design'], /got -1/],
    [{ design: 5 }, ['scores', 'effect'], /is required/],
    [{ design: '5', effect: 5 }, ['scores', 'design'], /a number/],
    [{ design: 5, effect: 5, bonus: 3 }, ['scores', 'bonus'], /not a criterion/],
    [[5, 5], ['scores'], /must be an object/],
  ])('%j is refused', (scores, path, message) => {
    expect(() => weightedScore(rubric, scores)).toThrow(expect.objectContaining({ message: expect.stringMatching(message), details: { errors: [expect.objectContaining({ path })] } }));
  });
});

test('rubric keys must be unique and each range non-empty', () => {
  expect(() => validateRubric([...rubric, { ...rubric[0] }])).toThrow(/repeated/);
  expect(() => validateRubric([{ ...rubric[0], minScore: 10 }])).toThrow(/maxScore must be above minScore/);
  expect(() => validateRubric([])).toThrow(/at least one criterion/);
});

test('ranking: score, then more reviews, then earlier submission, then documentId', () => {
  const c = (documentId: string, score: number, reviews: number, submittedAt: string) => ({ documentId, score, reviews, submittedAt });
  const ranked = rankCandidates([
    c('e', 8, 2, '2026-03-02'),
    c('d', 8, 2, '2026-03-01'),
    c('c', 8, 3, '2026-03-05'),
    c('a', 9, 2, '2026-03-09'),
    c('b', 8, 2, '2026-03-01'),
  ]);
  expect(ranked.map((x) => x.documentId)).toEqual(['a', 'c', 'b', 'd', 'e']);
});

test.each([
  [1, ['first']],
  [2, ['first', 'second']],
  [3, ['first', 'second', 'third']],
  [10, ['first', 'first', 'second', 'second', 'second', 'third', 'third', 'third', 'third', 'third']],
])('award levels for %i selected', (selected, levels) => {
  expect(Array.from({ length: selected }, (_, i) => awardLevel(i + 1, selected))).toEqual(levels);
});

test('30 selected: 6 first, 9 second, 15 third', () => {
  const levels = Array.from({ length: 30 }, (_, i) => awardLevel(i + 1, 30));
  expect([levels.filter((l) => l === 'first').length, levels.filter((l) => l === 'second').length, levels.filter((l) => l === 'third').length]).toEqual([6, 9, 15]);
});

describe("a round's year is the year its submission window opens", () => {
  test('in Beijing time: 1 January 00:00 in Beijing is still 31 December in UTC', () => {
    expect(beijingYear('2026-12-31T16:00:00Z')).toBe(2027);
    expect(beijingYear('2026-12-31T15:59:59Z')).toBe(2026);
  });
  test('a matching year passes; another year is a 400 naming year', () => {
    expect(() => validateYearWindow({ year: 2026, submissionOpensAt: '2026-03-01T00:00:00Z' })).not.toThrow();
    expect(() => validateYearWindow({ year: 2027, submissionOpensAt: '2026-03-01T00:00:00Z' })).toThrow(
      expect.objectContaining({ name: 'ValidationError', details: { errors: [expect.objectContaining({ path: ['year'] })] } })
    );
  });
});

describe('unique violations are recognised on both databases', () => {
  test.each([
    [{ code: '23505' }, true],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, true],
    [{ message: 'insert into "reviews" … - UNIQUE constraint failed: reviews.assignment_key' }, true],
    [{ message: 'wrapped', cause: { code: '23505' } }, true],
    [{ code: '23503' }, false],
    [new Error('something else'), false],
  ])('%j → %s', (error, expected) => {
    expect(isUniqueViolation(error)).toBe(expected);
  });
});
