import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const LOGICAL = new Set(['$and', '$or', '$not']);

/**
 * Filters on JSON attributes are not portable (PostgreSQL's jsonb has no LIKE; SQLite has no JSON
 * operators in Strapi), so a client could turn them into a 500. Refuse them up front with a 400 naming
 * the field, at any depth: through relations, components and $and/$or/$not.
 */
export function rejectJsonFilters(strapi: Core.Strapi, uid: string, filters: unknown, path: string[] = []): void {
  if (Array.isArray(filters)) {
    filters.forEach((item) => rejectJsonFilters(strapi, uid, item, path));
    return;
  }
  if (!filters || typeof filters !== 'object') return;
  const model = strapi.getModel(uid as any);
  for (const [key, value] of Object.entries(filters)) {
    if (LOGICAL.has(key)) {
      rejectJsonFilters(strapi, uid, value, path);
      continue;
    }
    const attribute = model?.attributes?.[key] as { type: string; target?: string; component?: string } | undefined;
    if (!attribute) continue;
    const field = [...path, key];
    if (attribute.type === 'json') {
      const message = `Filtering by ${field.join('.')} is not supported (a list field); use the search or another filter`;
      throw new errors.ValidationError(message, { key, path: field.join('.'), source: 'query', param: 'filters' });
    }
    const target = attribute.type === 'relation' ? attribute.target : attribute.type === 'component' ? attribute.component : undefined;
    if (target) rejectJsonFilters(strapi, target, value, field);
  }
}
