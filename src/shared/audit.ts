import type { Core, Utils } from '@strapi/strapi';
import { asDecision, currentDecision } from './decision';

export interface AuditEntry {
  entityType: string;
  entityDocumentId: string;
  action: string;
  actor?: { username?: string } | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends to the audit trail inside the caller's transaction; there is no route that edits or deletes it.
 * This is the platform's own writer of audit events, so its write counts as part of a decision (the training
 * guard refuses audit events created by any plain client, the admin panel included).
 */
export async function audit(strapi: Core.Strapi, entry: AuditEntry) {
  await asDecision(currentDecision() ?? `audit:${entry.action}`, () => strapi.documents('api::audit-event.audit-event').create({
    data: {
      entityType: entry.entityType,
      entityDocumentId: entry.entityDocumentId,
      action: entry.action,
      actorUsername: entry.actor?.username ?? 'system',
      at: new Date(),
      // Callers pass plain records (rows, reports) that serialise as JSON.
      before: (entry.before ?? null) as Utils.JSONValue,
      after: (entry.after ?? null) as Utils.JSONValue,
    },
  }));
}
