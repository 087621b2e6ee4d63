import { errors } from '@strapi/utils';

/** 409: the request is well-formed but conflicts with the current state (wrong status, duplicate, 回避). */
export class ConflictError extends Error {
  readonly status = 409;
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * 403 with a message the caller can read. Strapi replaces a plain ForbiddenError thrown by a handler with a
 * bare "Forbidden"; PolicyError is the subclass it lets through.
 */
export const forbidden = (message: string) => new errors.PolicyError(message);

/** 400 ValidationError whose details name the field (or path) at fault, as Strapi's own validation does. */
export function fieldError(path: string | string[], message: string) {
  const segments = Array.isArray(path) ? path : [path];
  return new errors.ValidationError(message, { errors: [{ path: segments, message, name: 'ValidationError' }] });
}
