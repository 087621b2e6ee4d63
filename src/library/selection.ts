import { errors } from '@strapi/utils';

import { ConflictError, fieldError } from '../shared/errors';


export const ROUND_STATUSES = ['draft', 'open', 'reviewing', 'finalised'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/** A round only moves one step forward: draft → open → reviewing → finalised. `to` comes from the request. */
export function assertTransition(from: RoundStatus, to: unknown): asserts to is RoundStatus {
  if (!ROUND_STATUSES.includes(to as RoundStatus)) {
    throw new errors.ValidationError(`status must be one of ${ROUND_STATUSES.join(', ')}`, {
      errors: [{ path: ['status'], message: 'unknown status', name: 'ValidationError' }],
    });
  }
  const next = ROUND_STATUSES[ROUND_STATUSES.indexOf(from) + 1];
  if (to !== next) {
    throw new ConflictError(
      next ? `A ${from} round can only move to ${next}, not ${to}` : `A finalised round cannot change status`,
      { from, to }
    );
  }
}

export interface Criterion {
  key: string;
  name: string;
  weight: number | string;
  minScore: number;
  maxScore: number;
}

/** A criterion as a write carries it: its scores may still be numeric strings. */
export interface CriterionInput {
  key: string;
  minScore: number | string;
  maxScore: number | string;
}

export function validateRubric(rubric: CriterionInput[] | undefined) {
  if (!Array.isArray(rubric) || rubric.length === 0) throw fieldError(['rubric'], 'rubric needs at least one criterion');
  const keys = new Set<string>();
  rubric.forEach((criterion, i) => {
    if (keys.has(criterion.key)) throw fieldError(['rubric', String(i), 'key'], `rubric criterion key "${criterion.key}" is repeated`);
    keys.add(criterion.key);
    if (Number(criterion.minScore) >= Number(criterion.maxScore)) {
      throw fieldError(['rubric', String(i), 'maxScore'], `rubric criterion "${criterion.key}": maxScore must be above minScore`);
    }
  });
}

/** A datetime as written (ISO string or epoch milliseconds) or as stored (Date). */
export type DateTimeValue = string | number | Date;

export function validateSchedule(round: { submissionOpensAt?: DateTimeValue; submissionClosesAt?: DateTimeValue; reviewDeadline?: DateTimeValue }) {
  const at = (value?: DateTimeValue) => (value ? new Date(value).getTime() : NaN);
  if (!(at(round.submissionClosesAt) > at(round.submissionOpensAt))) {
    throw fieldError(['submissionClosesAt'], 'submissionClosesAt must be after submissionOpensAt');
  }
  if (!(at(round.reviewDeadline) > at(round.submissionClosesAt))) {
    throw fieldError(['reviewDeadline'], 'reviewDeadline must be after submissionClosesAt');
  }
}

/** A reviewer's weighted score: Σ weight × score / Σ weight, every criterion scored within its range. */
export function weightedScore(rubric: Criterion[], scores: unknown): number {
  if (!scores || typeof scores !== 'object' || Array.isArray(scores)) {
    throw fieldError(['scores'], 'scores must be an object of criterion key → score');
  }
  const given = scores as Record<string, unknown>;
  const unknown = Object.keys(given).find((key) => !rubric.some((c) => c.key === key));
  if (unknown) throw fieldError(['scores', unknown], `scores.${unknown} is not a criterion of this round's rubric`);
  let total = 0;
  let weights = 0;
  for (const criterion of rubric) {
    const value = given[criterion.key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw fieldError(['scores', criterion.key], `scores.${criterion.key} (${criterion.name}) is required, a number`);
    }
    if (value < criterion.minScore || value > criterion.maxScore) {
      throw fieldError(
        ['scores', criterion.key],
        `scores.${criterion.key} (${criterion.name}) must be between ${criterion.minScore} and ${criterion.maxScore}, got ${value}`
      );
    }
    total += Number(criterion.weight) * value;
    weights += Number(criterion.weight);
  }
  return Math.round((total / weights) * 1000) / 1000;
}

export interface Candidate {
  documentId: string;
  score: number;
  reviews: number;
  submittedAt: string;
}

/** Highest mean score first; ties go to more reviews, then earlier submission, then documentId. */
export function rankCandidates<T extends Candidate>(candidates: T[]): T[] {
  return [...candidates].sort(
    (a, b) =>
      b.score - a.score ||
      b.reviews - a.reviews ||
      new Date(a.submittedAt).getTime() - new Date(b.submittedAt).getTime() ||
      a.documentId.localeCompare(b.documentId)
  );
}

/**
 * 一等奖 for the top 20% of those selected (at least one), 二等奖 down to the top half (at least one more,
 * so a small round never skips a level), 三等奖 for the rest.
 */
export function awardLevel(rank: number, selected: number): 'first' | 'second' | 'third' {
  const firstUpTo = Math.max(1, Math.ceil(selected * 0.2));
  const secondUpTo = Math.max(firstUpTo + 1, Math.ceil(selected * 0.5));
  if (rank <= firstUpTo) return 'first';
  if (rank <= secondUpTo) return 'second';
  return 'third';
}

/**
 * The calendar year a date falls in, in China Standard Time (UTC+8, no daylight saving): a round that opens
 * at 00:00 on 1 January in Beijing is that year's round even though it is still 31 December in UTC.
 */
export function beijingYear(date: DateTimeValue): number {
  return new Date(new Date(date).getTime() + 8 * 3600_000).getUTCFullYear();
}

/** A round's year is the year its submission window opens. */
export function validateYearWindow(round: { year?: unknown; submissionOpensAt?: DateTimeValue }) {
  const year = Number(round.year);
  if (!Number.isInteger(year)) throw fieldError(['year'], 'year is required, e.g. 2026');
  const opens = round.submissionOpensAt ? beijingYear(round.submissionOpensAt) : NaN;
  if (opens !== year) {
    throw fieldError(['year'], `year ${year} does not match the submission window, which opens in ${Number.isNaN(opens) ? 'no year' : opens}`);
  }
}

/** The fields of a round that its validation reads. */
export interface RoundFields {
  year?: unknown;
  submissionOpensAt?: DateTimeValue;
  submissionClosesAt?: DateTimeValue;
  reviewDeadline?: DateTimeValue;
  rubric?: CriterionInput[];
}

/** Everything a round's data must satisfy before it is stored, wherever it comes from. */
export function validateRoundData(round: RoundFields) {
  validateSchedule(round);
  validateRubric(round.rubric);
  validateYearWindow(round);
}

/** Keys behind the unique indexes that make a duplicate impossible even when two requests race. */
export const keys = {
  /** One live (not withdrawn) submission per round and resource; null once withdrawn. */
  submission: (roundDocumentId: string, resourceDocumentId: string) => `${roundDocumentId}:${resourceDocumentId}`,
  /** One review per submission and reviewer. */
  review: (submissionDocumentId: string, reviewerUserId: number | string) => `${submissionDocumentId}:${reviewerUserId}`,
  /** A resource enters a library once. */
  entry: (libraryDocumentId: string, resourceDocumentId: string) => `${libraryDocumentId}:${resourceDocumentId}`,
};

