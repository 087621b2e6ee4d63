import type { Core } from '@strapi/strapi';
import { asDecision } from '../shared/decision';
import { ConflictError } from '../shared/errors';
import { isUniqueViolation } from '../shared/sql';

type Knex = Core.Strapi['db']['connection'];

/**
 * Runs one selection decision: a single transaction, marked as a decision so the Document Service guard lets
 * its state writes through. The callback locks first, then reads the state, then decides. A unique index that
 * refuses the write means a concurrent request already made the same decision: that is a 409, never a 500.
 */
export async function decide<T>(strapi: Core.Strapi, action: string, run: (trx: Knex) => Promise<T>, duplicate = 'This was already decided by another request'): Promise<T> {
  try {
    return await asDecision(action, () => strapi.db.transaction(async ({ trx }) => run(trx as Knex)));
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(duplicate);
    throw error;
  }
}
