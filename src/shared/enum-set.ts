import { fieldError } from './errors';


/**
 * Strapi has no multi-select attribute, so "a set of allowed values" is stored as a JSON array.
 * This normalises such a value to unique entries in canonical order, or throws a 400 naming the field.
 */
export function normalizeEnumSet<T extends string>(
  field: string,
  allowed: readonly T[],
  value: unknown,
  { minItems = 1 }: { minItems?: number } = {}
): T[] {
  if (!Array.isArray(value)) {
    throw fieldError(field, `${field} must be an array of: ${allowed.join(', ')}`);
  }
  const unknown = value.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0) {
    throw fieldError(
      field,
      `${field} has unknown value(s) ${unknown.map((v) => JSON.stringify(v)).join(', ')}; allowed: ${allowed.join(', ')}`
    );
  }
  const normalized = allowed.filter((item) => value.includes(item));
  if (normalized.length < minItems) {
    throw fieldError(field, `${field} needs at least ${minItems} value(s) of: ${allowed.join(', ')}`);
  }
  return normalized;
}

