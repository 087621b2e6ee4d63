import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Bounds on what a request may carry, checked once for every route right after the body is parsed, so that
 * nothing hostile reaches a controller, the query engine or the database as anything but a 4xx:
 * nesting depth (a 10,000-deep body would overflow every recursive walk after it), keys that reach
 * JavaScript's prototype chain, NUL characters (PostgreSQL text cannot hold them), the shape of `filters`
 * (Strapi's query engine answers a wrong shape with a 500), and body types the API does not read.
 */
export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LIST_OPERATORS = new Set(['$in', '$notIn']);
const NULL_OPERATORS = new Set(['$null', '$notNull']);
const READABLE_BODIES = ['json', 'multipart', 'urlencoded'];

type Source = 'body' | 'query' | 'path';

const invalid = (source: Source, path: string[], message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [source, ...path], message, name: 'ValidationError' }] });

function checkValues(value: unknown, source: Source) {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) throw invalid(source, path, `${[source, ...path].join('.')} contains a NUL character`);
      continue;
    }
    if (!current || typeof current !== 'object') continue;
    if (path.length >= MAX_DEPTH) throw invalid(source, path.slice(0, 5), `The ${source} is nested deeper than ${MAX_DEPTH} levels`);
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) throw invalid(source, [...path, key], `The ${source} may not use the key "${key}"`);
      if (key.includes('\u0000')) throw invalid(source, path, `A key in ${[source, ...path].join('.')} contains a NUL character`);
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
}

const isScalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
const isPlainObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
/** qs turns `[0]`, `[1]` into an array, but past 20 items into an object with numeric keys. */
const listOf = (value: unknown): unknown[] | null =>
  Array.isArray(value) ? value : isPlainObject(value) && Object.keys(value).every((key) => /^\d+$/.test(key)) ? Object.values(value) : null;

/** filters: an object of fields and operators; $and/$or lists of such objects; operator values scalars. */
export function checkFilters(filters: unknown, path: string[] = ['filters']) {
  if (!isPlainObject(filters)) throw invalid('query', path, `${path.join('.')} must be an object such as filters[title][$eq]=…`);
  for (const [key, value] of Object.entries(filters)) {
    const here = [...path, key];
    if (key === '$and' || key === '$or') {
      const items = listOf(value);
      if (!items) throw invalid('query', here, `${here.join('.')} must be a list: ${here.join('.')}[0][field][$eq]=…`);
      items.forEach((item, i) => checkFilters(item, [...here, String(i)]));
    } else if (key === '$not') {
      checkFilters(value, here);
    } else if (key.startsWith('$')) {
      if (key === '$between') {
        const items = listOf(value);
        if (!items || items.length !== 2 || !items.every(isScalar)) throw invalid('query', here, `${here.join('.')} takes two values: [$between][0]=…&[$between][1]=…`);
      } else if (LIST_OPERATORS.has(key)) {
        const items = listOf(value);
        if (!(isScalar(value) || (items && items.every(isScalar)))) throw invalid('query', here, `${here.join('.')} takes a value or a list of values`);
      } else if (NULL_OPERATORS.has(key)) {
        if (!isScalar(value)) throw invalid('query', here, `${here.join('.')} takes true or false`);
      } else if (!isScalar(value)) {
        throw invalid('query', here, `${here.join('.')} takes a single value`);
      }
    } else if (isPlainObject(value)) {
      checkFilters(value, here);
    } else if (!isScalar(value)) {
      throw invalid('query', here, `${here.join('.')} must be a value or an object of operators`);
    }
  }
}

export default (_config: unknown, _ctx: { strapi: Core.Strapi }) => {
  return async (ctx: any, next: () => Promise<unknown>) => {
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(ctx.path);
    } catch {
      throw invalid('path', [], 'The path is not valid percent-encoded UTF-8');
    }
    if (decodedPath.includes('\u0000')) throw invalid('path', [], 'The path contains a NUL character');
    checkValues(ctx.query, 'query');
    if (ctx.query.filters !== undefined && (ctx.path.startsWith('/api/') || ctx.path.startsWith('/content-manager/'))) checkFilters(ctx.query.filters);
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || Boolean(ctx.get('transfer-encoding'));
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(ctx.method) && ctx.path.startsWith('/api/') && !ctx.is(READABLE_BODIES)) {
      ctx.status = 415;
      ctx.body = { data: null, error: { status: 415, name: 'UnsupportedMediaTypeError', message: 'Send the body as application/json (or multipart/form-data for files)', details: {} } };
      return;
    }
    checkValues(ctx.request.body, 'body');
    return next();
  };
};
