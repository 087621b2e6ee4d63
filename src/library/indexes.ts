import type { Core, UID } from '@strapi/strapi';
import { keys } from './selection';
import { ensureUniqueIndex } from '../shared/sql';

type Where = Record<string, unknown>;
// The rows each backfill reads, with the relations its populate names (null when the relation is empty).
type SubmissionRow = { resourceDocumentId: string; round: { documentId: string } | null };
type ReviewRow = { submission: { documentId: string } | null; reviewer: { id: number } | null };
type EntryRow = { resourceDocumentId: string; library: { documentId: string } | null };

/**
 * Database-level uniqueness for the selection, created idempotently at boot: the application checks give a
 * readable 409, these make a duplicate impossible when two requests race past the checks.
 * Rows written before the keys existed get theirs first; a duplicate already stored keeps a null key
 * (NULLs never clash), so the index can still be created.
 */
export async function ensureSelectionIndexes(strapi: Core.Strapi) {
  await backfill<SubmissionRow>(strapi, 'api::submission.submission', 'liveKey', { status: { $ne: 'withdrawn' } }, { round: { select: ['documentId'] } },
    (row) => (row.round ? keys.submission(row.round.documentId, row.resourceDocumentId) : null));
  await backfill<ReviewRow>(strapi, 'api::review.review', 'assignmentKey', {}, { submission: { select: ['documentId'] }, reviewer: { select: ['id'] } },
    (row) => (row.submission && row.reviewer ? keys.review(row.submission.documentId, row.reviewer.id) : null));
  await backfill<EntryRow>(strapi, 'api::library-entry.library-entry', 'entryKey', {}, { library: { select: ['documentId'] } },
    (row) => (row.library ? keys.entry(row.library.documentId, row.resourceDocumentId) : null));

  await ensureUniqueIndex(strapi, 'api::submission.submission', 'liveKey', 'submissions_live_key_unique');
  await ensureUniqueIndex(strapi, 'api::review.review', 'assignmentKey', 'reviews_assignment_key_unique');
  await ensureUniqueIndex(strapi, 'api::library-entry.library-entry', 'entryKey', 'library_entries_entry_key_unique');
}

async function backfill<Row>(strapi: Core.Strapi, uid: UID.ContentType, field: string, where: Where, populate: Where, keyOf: (row: Row) => string | null) {
  const rows: (Row & { id: number })[] = await strapi.db.query(uid).findMany({ where: { ...where, [field]: { $null: true } }, populate, orderBy: { id: 'asc' } });
  if (rows.length === 0) return;
  const taken = new Set(
    (await strapi.db.query(uid).findMany({ where: { [field]: { $notNull: true } }, select: [field] })).map((row: Record<string, unknown>) => row[field])
  );
  for (const row of rows) {
    const key = keyOf(row);
    if (!key || taken.has(key)) continue;
    taken.add(key);
    await strapi.db.query(uid).update({ where: { id: row.id }, data: { [field]: key } });
  }
}
