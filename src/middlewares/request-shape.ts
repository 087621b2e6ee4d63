import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Bounds on what a request may carry, checked once for every route right after the body is parsed, so that
 * nothing hostile reaches a controller, the query engine or the database as anything but a 4xx:
 * nesting depth (a 10,000-deep body would overflow every recursive walk after it), keys that reach
 * JavaScript's prototype chain, NUL characters (PostgreSQL text cannot hold them) and body types the API
 * does not read. The shape of `filters` is checked per route, against its content type (src/shared/query-guards.ts).
 */
export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
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

export default (_config: unknown, _ctx: { strapi: Core.Strapi }) => {
  return async (ctx: Context, next: Next) => {
    let decodedPath: string;
    try {
      decodedPath = decodeURIComponent(ctx.path);
    } catch {
      throw invalid('path', [], 'The path is not valid percent-encoded UTF-8');
    }
    if (decodedPath.includes('\u0000')) throw invalid('path', [], 'The path contains a NUL character');
    checkValues(ctx.query, 'query');
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
