import { isMentalHealthTeacher, normalizePositions, requiredCertificateTier } from '../../src/platform/teacher-positions';
import { normalizeEnumSet } from '../../src/shared/enum-set';

describe('requiredCertificateTier (seeds/000: A for MH, B for homeroom/moral education, C for subject teachers)', () => {
  test.each([
    [['mh_fulltime'], 'A'],
    [['mh_parttime'], 'A'],
    [['homeroom'], 'B'],
    [['moral_education'], 'B'],
    [['subject'], 'C'],
    [['subject', 'homeroom'], 'B'],
    [['subject', 'mh_parttime'], 'A'],
    [['homeroom', 'moral_education', 'subject', 'mh_fulltime'], 'A'],
  ] as const)('%j requires %s', (positions, tier) => {
    expect(requiredCertificateTier(positions)).toBe(tier);
  });

  test('no positions has no tier', () => {
    expect(() => requiredCertificateTier([])).toThrow(/at least one position/);
  });

  test('mental-health teachers are the full- and part-time MH posts', () => {
    expect(isMentalHealthTeacher(['subject', 'mh_parttime'])).toBe(true);
    expect(isMentalHealthTeacher(['homeroom', 'moral_education', 'subject'])).toBe(false);
  });
});

describe('normalizePositions', () => {
  test('dedupes and sorts into canonical order', () => {
    expect(normalizePositions(['subject', 'homeroom', 'subject'])).toEqual(['homeroom', 'subject']);
  });

  test.each([
    ['subject', /must be an array/],
    [null, /must be an array/],
    [[], /at least 1/],
    [['subject', 'principal', 7], /unknown value\(s\) "principal", 7/],
  ])('%j is refused', (value, message) => {
    expect(() => normalizePositions(value)).toThrow(message);
  });

  test('the error is a 400 ValidationError whose details name the field', () => {
    try {
      normalizePositions(['x']);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toMatchObject({ name: 'ValidationError', details: { errors: [{ path: ['positions'] }] } });
    }
  });
});

test('normalizeEnumSet honours a minimum of zero', () => {
  expect(normalizeEnumSet('tags', ['a', 'b'] as const, [], { minItems: 0 })).toEqual([]);
});
