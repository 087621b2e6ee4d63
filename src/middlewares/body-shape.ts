import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Bounds on what a request may carry, checked once for every route right after the body is parsed:
 * nesting depth (a 10,000-deep body would overflow every recursive walk after it) and keys that reach
 * JavaScript's prototype chain. Both in the body and in the query string; answered 400 naming where.
 */
export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function check(value: unknown, source: 'body' | 'query') {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (!current || typeof current !== 'object') continue;
    if (path.length >= MAX_DEPTH) {
      throw new errors.ValidationError(`The ${source} is nested deeper than ${MAX_DEPTH} levels`, {
        errors: [{ path: [source, ...path.slice(0, 5), '…'], message: `nested deeper than ${MAX_DEPTH} levels`, name: 'ValidationError' }],
      });
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new errors.ValidationError(`The ${source} may not use the key "${key}"`, {
          errors: [{ path: [source, ...path, key], message: `"${key}" is not a field`, name: 'ValidationError' }],
        });
      }
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
}

export default (_config: unknown, _ctx: { strapi: Core.Strapi }) => {
  return async (ctx: any, next: () => Promise<unknown>) => {
    check(ctx.query, 'query');
    check(ctx.request.body, 'body');
    return next();
  };
};
