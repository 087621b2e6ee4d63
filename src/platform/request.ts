import type { Core, UID } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { callerProfile, type Actor } from './actor';
import { dataNotAnObject, isPlainObject, rejectIdentityPredicates, rejectJsonFilters } from '../shared/query-guards';

/** A sanitized content-API query (filters, sort, fields, pagination…). */
export type Query = Record<string, unknown> & { filters?: unknown; sort?: unknown };

/** The core-controller methods the pipeline runs; every controller made by `factories.createCoreController` has them. */
export type PipelineController = Partial<Pick<Core.CoreAPI.Controller.Base, 'validateQuery' | 'sanitizeQuery' | 'validateInput' | 'sanitizeInput'>>;

export interface RequestOptions {
  /**
   * How the body's `data` is read. 'schema': the type's own fields, validated and sanitized against its schema
   * (creates and edits). 'declared': an action's parameters (a decision, a reason, relations by documentId),
   * whose keys the route's `acceptsData` has already checked. Omitted: the route takes no body.
   */
  data?: 'schema' | 'declared';
  /** A write that must send `data` (the curriculum types): its absence is a 400 rather than `{}`. */
  requireData?: boolean;
  /** Types under blind review: no filter or sort may reach an author or a school (src/shared/query-guards.ts). */
  hideIdentity?: boolean;
}

export interface ParsedRequest {
  actor: Actor;
  query: Query;
  data: Record<string, unknown>;
}

/**
 * The same validation and sanitization as a core controller's, for a content type the route does not belong
 * to (the library's entries are lesson plans, scripts or cases).
 */
export function schemaTools(strapi: Core.Strapi, uid: UID.ContentType): PipelineController {
  const schema = () => strapi.getModel(uid);
  const auth = (ctx: Context) => ({ auth: ctx.state.auth });
  const tools = {
    validateQuery: (ctx: Context) => strapi.contentAPI.validate.query(ctx.query, schema(), auth(ctx)),
    sanitizeQuery: (ctx: Context) => strapi.contentAPI.sanitize.query(ctx.query, schema(), auth(ctx)),
    validateInput: (data: unknown, ctx: Context) => strapi.contentAPI.validate.input(data as Record<string, unknown>, schema(), auth(ctx)),
    sanitizeInput: (data: unknown, ctx: Context) => strapi.contentAPI.sanitize.input(data as Record<string, unknown>, schema(), auth(ctx)),
  };
  return tools as unknown as PipelineController;
}

/**
 * The one request pipeline of every custom controller, in the order of Strapi's core controller:
 * validate the query → sanitize it → refuse filters on JSON fields (and, under blind review, on identities) →
 * read `data` (validated and sanitized against the schema, or as the route declared it) → the actor, resolved
 * once per request. Controllers then call a service with { actor, query, data }; scoping is the service's.
 */
export async function readRequest(strapi: Core.Strapi, controller: PipelineController, ctx: Context, uid?: UID.ContentType, options: RequestOptions = {}): Promise<ParsedRequest> {
  let query: Query = {};
  if (controller.validateQuery && controller.sanitizeQuery) {
    if (!uid) throw new Error('readRequest: a query is read against a content type');
    await controller.validateQuery(ctx);
    query = (await controller.sanitizeQuery(ctx)) as Query;
    rejectJsonFilters(strapi, uid, query.filters);
    if (options.hideIdentity) rejectIdentityPredicates(strapi, uid, query);
  }
  let data: Record<string, unknown> = {};
  if (options.data) {
    const raw = (ctx.request as { body?: { data?: unknown } }).body?.data;
    if (options.requireData && !isPlainObject(raw)) throw new errors.ValidationError('Missing "data" object in request body');
    if (raw !== undefined && !isPlainObject(raw)) throw dataNotAnObject();
    data = isPlainObject(raw) ? raw : {};
    if (options.data === 'schema') {
      await controller.validateInput!(data, ctx);
      data = (await controller.sanitizeInput!(data, ctx)) as Record<string, unknown>;
    }
  }
  return { actor: await callerProfile(strapi, ctx), query, data };
}
