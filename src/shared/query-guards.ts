import type { Core, UID } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/** Koa's request context, as Strapi hands it to controllers and route middlewares. */
export type RequestContext = Parameters<Core.ControllerHandler>[0];

const LOGICAL = new Set(['$and', '$or', '$not']);

type Attribute = { type: string; target?: string; component?: string; relation?: string };

/**
 * The attributes of a content type or component. The uids come from the query and from relation and component
 * targets, so they are plain strings here; a uid that names no model has no attributes.
 */
const attributesOf = (strapi: Core.Strapi, uid: string) =>
  (strapi.getModel(uid as UID.Schema) as { attributes: Record<string, Attribute> } | undefined)?.attributes;

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
  const attributes = attributesOf(strapi, uid);
  for (const [key, value] of Object.entries(filters)) {
    if (LOGICAL.has(key)) {
      rejectJsonFilters(strapi, uid, value, path);
      continue;
    }
    const attribute = attributes?.[key];
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

const LIST_OPERATORS = new Set(['$in', '$notIn']);
const NULL_OPERATORS = new Set(['$null', '$notNull']);
const NUMERIC_TYPES = new Set(['integer', 'biginteger', 'float', 'decimal']);
const NUMBER = /^-?\d+(\.\d+)?$/;

const isScalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
export const isPlainObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** 400 for a body whose `data` is not an object, naming it. */
export const dataNotAnObject = () => new errors.ValidationError('data must be an object', { errors: [{ path: ['data'], message: 'must be an object', name: 'ValidationError' }] });
/** qs turns `[0]`, `[1]` into an array, but past 20 items into an object with numeric keys. */
const listOf = (value: unknown): unknown[] | null =>
  Array.isArray(value) ? value : isPlainObject(value) && Object.keys(value).every((key) => /^\d+$/.test(key)) ? Object.values(value) : null;

const invalidFilter = (path: string[], message: string) =>
  new errors.ValidationError(message, { key: path[path.length - 1], path: path.join('.'), source: 'query', param: 'filters', errors: [{ path, message, name: 'ValidationError' }] });

/**
 * The shape of `filters`, checked against the content type before Strapi's query engine sees it (a wrong
 * shape there is a 500): an object of fields and operators; $and/$or lists of such objects; operator values
 * single values ($in: a list, $between: two); numbers where the field is a number. Unknown fields are left
 * to Strapi's own validation, which answers them with a 400.
 */
export function checkFilterShape(strapi: Core.Strapi, uid: string | null, filters: unknown, path: string[] = ['filters'], attribute?: Attribute): void {
  if (!isPlainObject(filters)) throw invalidFilter(path, `${path.join('.')} must be an object such as filters[title][$eq]=…`);
  const attributes = uid ? attributesOf(strapi, uid) : undefined;
  const numeric = attribute ? NUMERIC_TYPES.has(attribute.type) : false;
  const checkValue = (value: unknown, here: string[]) => {
    if (!isScalar(value)) throw invalidFilter(here, `${here.join('.')} takes a single value`);
    if (numeric && !(typeof value === 'number' || NUMBER.test(String(value)))) throw invalidFilter(here, `${here.join('.')} takes a number`);
  };
  for (const [key, value] of Object.entries(filters)) {
    const here = [...path, key];
    if (key === '$and' || key === '$or') {
      const items = listOf(value);
      if (!items) throw invalidFilter(here, `${here.join('.')} must be a list: ${here.join('.')}[0][field][$eq]=…`);
      items.forEach((item, i) => checkFilterShape(strapi, uid, item, [...here, String(i)], attribute));
    } else if (key === '$not') {
      checkFilterShape(strapi, uid, value, here, attribute);
    } else if (key.startsWith('$')) {
      if (key === '$between') {
        const items = listOf(value);
        if (!items || items.length !== 2) throw invalidFilter(here, `${here.join('.')} takes two values: [$between][0]=…&[$between][1]=…`);
        items.forEach((item, i) => checkValue(item, [...here, String(i)]));
      } else if (LIST_OPERATORS.has(key)) {
        const items = listOf(value);
        if (items) items.forEach((item, i) => checkValue(item, [...here, String(i)]));
        else checkValue(value, here);
      } else if (NULL_OPERATORS.has(key)) {
        if (!isScalar(value)) throw invalidFilter(here, `${here.join('.')} takes true or false`);
      } else {
        checkValue(value, here);
      }
    } else {
      const field: Attribute | undefined = key === 'id' ? { type: 'integer' } : attributes?.[key];
      const target = field?.type === 'relation' ? field.target : field?.type === 'component' ? field.component : undefined;
      if (target) {
        if (isPlainObject(value)) checkFilterShape(strapi, target, value, here);
        else if (isScalar(value)) checkFilterShape(strapi, target, { id: value }, here);
        else throw invalidFilter(here, `${here.join('.')} must be an object of fields`);
      } else if (isPlainObject(value)) {
        checkFilterShape(strapi, null, value, here, field ?? { type: 'unknown' });
      } else {
        (field && NUMERIC_TYPES.has(field.type) ? (v: unknown, p: string[]) => {
          if (!isScalar(v) || !(typeof v === 'number' || NUMBER.test(String(v)))) throw invalidFilter(p, `${p.join('.')} takes a number`);
        } : (v: unknown, p: string[]) => {
          if (!isScalar(v)) throw invalidFilter(p, `${p.join('.')} must be a value or an object of operators`);
        })(value, here);
      }
    }
  }
}

/** The content type a route reads: the content manager names it in the path; content-API routes in their scope. */
export function routeContentType(strapi: Core.Strapi, ctx: RequestContext): string | null {
  if (typeof ctx.params?.model === 'string') return strapi.getModel(ctx.params.model as UID.Schema) ? ctx.params.model : null;
  const scope: string | undefined = ctx.state?.route?.config?.auth?.scope?.[0];
  const match = scope && /^(api::[\w-]+\.[\w-]+|plugin::[\w-]+\.[\w-]+)\./.exec(scope);
  return match && strapi.getModel(match[1] as UID.Schema) ? match[1] : null;
}

/** Route middleware: a 400 naming the place for any filters the query engine would choke on. */
export function filterShapeGuard(strapi: Core.Strapi) {
  return async (ctx: RequestContext, next: () => Promise<unknown>) => {
    if (ctx.query?.filters !== undefined) checkFilterShape(strapi, routeContentType(strapi, ctx), ctx.query.filters);
    return next();
  };
}

/**
 * Who wrote a resource and where: teachers, schools and accounts. While a resource is under blind review a
 * predicate or a sort over these would tell a reviewer its author or school (one result for the right school,
 * none for a wrong one), so the content API lets nobody filter or sort by them, at any depth — the answer is
 * the same 400 whatever the value, the direction, and whether anything is under review.
 */
export const IDENTITY_TARGETS = new Set(['api::teacher.teacher', 'api::school.school', 'plugin::users-permissions.user', 'admin::user']);

const identityError = (param: 'filters' | 'sort', path: string[]) => {
  const dotted = path.join('.');
  const message = `${param === 'filters' ? 'Filtering' : 'Sorting'} by ${dotted} is not supported: authors and schools are not searchable (blind review)`;
  return new errors.ValidationError(message, { key: path[path.length - 1], path: dotted, source: 'query', param, errors: [{ path: [param, ...path], message, name: 'ValidationError' }] });
};

/** The attribute `key` of `uid` leads to an identity (a teacher, school or account, or a polymorphic relation). */
function identityAttribute(strapi: Core.Strapi, uid: string, key: string): { identity: boolean; next?: string } {
  const attribute = attributesOf(strapi, uid)?.[key];
  if (!attribute) return { identity: false };
  if (attribute.type === 'relation') {
    if (!attribute.target || IDENTITY_TARGETS.has(attribute.target)) return { identity: true };
    return { identity: false, next: attribute.target };
  }
  if (attribute.type === 'component') return { identity: false, next: attribute.component };
  if (attribute.type === 'media') return { identity: false, next: 'plugin::upload.file' };
  if (attribute.type === 'dynamiczone') return { identity: true };
  return { identity: false };
}

function walkIdentityFilters(strapi: Core.Strapi, uid: string, filters: unknown, path: string[]): void {
  const items = Array.isArray(filters) ? filters : listOf(filters);
  if (items && !isPlainObject(filters)) {
    items.forEach((item) => walkIdentityFilters(strapi, uid, item, path));
    return;
  }
  if (!isPlainObject(filters)) return;
  for (const [key, value] of Object.entries(filters)) {
    if (key.startsWith('$')) {
      // $and/$or/$not, and operators of the current field (whose values are plain values, or lists of them).
      if (LOGICAL.has(key) || key === '$elemMatch') walkIdentityFilters(strapi, uid, value, [...path, key]);
      continue;
    }
    if (/^\d+$/.test(key)) {
      walkIdentityFilters(strapi, uid, value, path);
      continue;
    }
    const { identity, next } = identityAttribute(strapi, uid, key);
    const here = [...path.filter((p) => !p.startsWith('$')), key];
    if (identity) throw identityError('filters', here);
    if (next && value && typeof value === 'object') walkIdentityFilters(strapi, next, value, here);
  }
}

/** Field paths of a sort in any of Strapi's shapes: 'a.b:asc', 'a:desc,b', ['a.b:asc'], { a: { b: 'asc' } }, [{ a: 'asc' }]. */
function sortPaths(sort: unknown): string[][] {
  if (typeof sort === 'string') {
    return sort.split(',').map((part) => part.trim().split(':')[0].split('.').filter(Boolean)).filter((p) => p.length);
  }
  if (Array.isArray(sort)) return sort.flatMap(sortPaths);
  if (!isPlainObject(sort)) return [];
  const numbered = listOf(sort);
  if (numbered) return numbered.flatMap(sortPaths);
  return Object.entries(sort).flatMap(([key, value]) => {
    const deeper = isPlainObject(value) || Array.isArray(value) ? sortPaths(value) : [];
    return deeper.length ? deeper.map((rest) => [key, ...rest]) : [[key]];
  });
}

/**
 * Refuses (400) filters and sorts of a content-API list that reach an author, a school or an account through
 * any relation, at any depth and inside $and/$or/$not. Run after the route's own validation, on the client's
 * query only — the server's own scoping (a teacher's drafts are theirs) is added after it.
 */
export function rejectIdentityPredicates(strapi: Core.Strapi, uid: string, query: { filters?: unknown; sort?: unknown } | undefined): void {
  if (!query) return;
  if (query.filters !== undefined) walkIdentityFilters(strapi, uid, query.filters, []);
  if (query.sort !== undefined && query.sort !== null) {
    for (const path of sortPaths(query.sort)) {
      let current: string | undefined = uid;
      for (let i = 0; i < path.length && current; i++) {
        const { identity, next } = identityAttribute(strapi, current, path[i]);
        if (identity) throw identityError('sort', path.slice(0, i + 1));
        current = next;
      }
    }
  }
}

/**
 * Route middleware for the workflow routes whose body is `{ data: { … } }` with a fixed set of keys: `data`
 * must be an object, and a key outside `keys` (or beside `data` outside `topLevel`) is a 400 naming it —
 * never silently dropped. Multipart bodies are the controller's to read.
 */
export function acceptsData(keys: string[], { topLevel = [] as string[] } = {}) {
  return async (ctx: RequestContext, next: () => Promise<unknown>) => {
    const body: unknown = ctx.request.body;
    if (ctx.is('multipart') || body === undefined || body === null) return next();
    if (!isPlainObject(body)) throw new errors.ValidationError('The body must be a JSON object: { "data": { … } }', { errors: [{ path: ['body'], message: 'must be an object', name: 'ValidationError' }] });
    const extra = Object.keys(body).find((key) => key !== 'data' && !topLevel.includes(key));
    if (extra) throw new errors.ValidationError(`${extra} is not accepted here; send { "data": { ${keys.join(', ')} } }`, { errors: [{ path: [extra], message: 'not accepted here', name: 'ValidationError' }] });
    if (body.data !== undefined) {
      if (!isPlainObject(body.data)) throw dataNotAnObject();
      const unknown = Object.keys(body.data).find((key) => !keys.includes(key));
      if (unknown) {
        const accepted = keys.length ? `; this route takes ${keys.join(', ')}` : '; this route takes no data';
        throw new errors.ValidationError(`${unknown} is not accepted here${accepted}`, { errors: [{ path: [unknown], message: `${unknown} is not accepted here`, name: 'ValidationError' }] });
      }
    }
    return next();
  };
}
