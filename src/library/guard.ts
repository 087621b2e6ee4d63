import type { Core, Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { currentDecision } from '../shared/decision';
import { ConflictError, forbidden } from '../shared/errors';
import { lockName } from '../shared/sql';
import { validateRoundData, type RoundFields, type RoundStatus } from './selection';

type Knex = Core.Strapi['db']['connection'];
type Middleware = Modules.Documents.Middleware.Middleware;
type Next = Parameters<Middleware>[1];

interface LibraryRow {
  id: number;
  documentId: string;
  nameZh: string;
}
interface StoredRound extends RoundFields {
  id: number;
  status: RoundStatus;
  finalisedAt: string | Date | null;
  library: LibraryRow | null;
}
/** A round's data as a write carries it, not yet checked. */
type RoundWrite = RoundFields & { status?: unknown; finalisedAt?: unknown; library?: unknown; [field: string]: unknown };

const ROUND_UID = 'api::selection-round.selection-round';
const LIBRARY_UID = 'api::library.library';
/** Their every field is decided by the workflow (submit, withdraw, assign, score, finalise), never typed in. */
const WORKFLOW_UIDS: Record<string, string> = {
  'api::submission.submission': 'Submissions are made and withdrawn by teachers through POST /api/submissions and /api/submissions/:id/withdraw',
  'api::review.review': 'Reviews are assigned through POST /api/reviews and scored by their reviewer through PUT /api/reviews/:id',
  'api::library-entry.library-entry': 'Library entries are created only by finalising a selection round',
};
const WRITES = new Set(['create', 'update', 'delete', 'clone', 'publish', 'unpublish', 'discardDraft']);

const statusError = () =>
  new errors.ValidationError('status changes only through POST /api/selection-rounds/:id/transition', {
    errors: [{ path: ['status'], message: 'status is set by transitions', name: 'ValidationError' }],
  });

/**
 * Keeps the selection's rules for writes that do not come from a selection decision — above all the admin
 * panel's content manager, which calls the Document Service directly. The domain services mark their writes
 * with asDecision(…) and pass through; everything else gets the same rules as the REST API.
 */
export const selectionGuardMiddleware: Middleware = async (context, next) => {
  const { uid, action } = context as { uid: string; action: string };
  if (!WRITES.has(action) || currentDecision()) return next();
  if (WORKFLOW_UIDS[uid]) throw forbidden(`${WORKFLOW_UIDS[uid]}; they cannot be ${action}d directly`);
  if (uid !== ROUND_UID) return next();

  const params = context.params as { data?: RoundWrite; documentId?: string };
  if (action === 'create') return createRound(params.data ?? {}, next);
  if (action === 'clone') throw forbidden('A round cannot be cloned; create a new draft round');
  const stored: StoredRound | null = params.documentId
    ? await strapi.db.query(ROUND_UID).findOne({ where: { documentId: params.documentId }, populate: { rubric: true, library: true } })
    : null;
  if (!stored) return next();
  if (action === 'update') {
    const data = params.data ?? {};
    if (data.status !== undefined && data.status !== stored.status) throw statusError();
    if (data.finalisedAt !== undefined && timeOf(data.finalisedAt) !== timeOf(stored.finalisedAt)) throw statusError();
    if (stored.status !== 'draft') throw new ConflictError(`The round is ${stored.status}; only a draft round can be edited`, { status: stored.status });
    const merged = { ...stored, ...data, library: (await libraryOf(data.library)) ?? stored.library };
    validateRoundData(merged);
    await assertNoClash(merged.library, merged.year, stored.id);
    return next();
  }
  // delete (and draft/publish actions, which rounds do not use): only a draft has nothing depending on it.
  if (stored.status !== 'draft') throw new ConflictError(`The round is ${stored.status}; only a draft round can be ${action}d`, { status: stored.status });
  return next();
};

/** Created only as a draft, with the REST API's checks; the name lock makes the year check and the insert one step. */
async function createRound(data: RoundWrite, next: Next): ReturnType<Middleware> {
  if (data.status !== undefined && data.status !== null && data.status !== 'draft') throw statusError();
  if (data.finalisedAt !== undefined && data.finalisedAt !== null) throw statusError();
  const library = await libraryOf(data.library);
  if (!library) {
    throw new errors.ValidationError('library is required', { errors: [{ path: ['library'], message: 'library is required', name: 'ValidationError' }] });
  }
  validateRoundData(data);
  data.status = 'draft';
  return strapi.db.transaction(async ({ trx }: { trx: Knex }) => {
    await lockName(strapi, trx, `selection-round:${library.documentId}:${data.year}`);
    await assertNoClash(library, data.year);
    return next();
  });
}

async function assertNoClash(library: LibraryRow | null, year: unknown, ownId?: number) {
  if (!library) return;
  const clash = await strapi.db.query(ROUND_UID).findOne({
    where: { library: { id: library.id }, year: Number(year), ...(ownId ? { id: { $ne: ownId } } : {}) },
  });
  if (clash) throw new ConflictError(`${library.nameZh} already has a ${year} round`, { round: clash.documentId });
}

/**
 * The library a write points at, whichever shape the relation comes in: a documentId, an id, { documentId },
 * or the content manager's { connect: [...] } / { set: [...] }. Undefined when the write does not name one.
 */
async function libraryOf(value: unknown): Promise<LibraryRow | undefined> {
  const ref = relationRef(value);
  if (!ref) return undefined;
  const where = ref.documentId ? { documentId: ref.documentId } : { id: ref.id };
  return (await strapi.db.query(LIBRARY_UID).findOne({ where })) ?? undefined;
}

function relationRef(value: unknown): { id?: number; documentId?: string } | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { documentId: value };
  if (typeof value === 'number') return { id: value };
  if (Array.isArray(value)) return relationRef(value[0]);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.set)) return relationRef(v.set[0]);
    if (Array.isArray(v.connect)) return relationRef(v.connect[0]);
    if (v.documentId) return { documentId: String(v.documentId) };
    if (v.id !== undefined) return { id: Number(v.id) };
  }
  return undefined;
}

const timeOf = (value: unknown) => (value === null || value === undefined || value === '' ? null : new Date(value as string).getTime());
