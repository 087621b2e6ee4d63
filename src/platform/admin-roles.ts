import type { Core } from '@strapi/strapi';
import adminRolesFile from '../../database/reference/admin-roles.json';
import { scopeOfAdmin, type Scope } from './scope';

/*
 * The staff's admin-panel roles (database/reference/admin-roles.json) and the RBAC condition that binds them
 * to their level: `api::within-scope` turns an admin user's staff-scope row into a filter on the subject's
 * teacher or school, which the Content Manager applies to every list and checks on every read and edit.
 */

interface PermissionSpec {
  action?: string;
  actions?: string[];
  subjects?: string[];
  scoped?: boolean;
  fieldsExcept?: string[];
}
interface AdminRoleDefinition {
  code: string;
  name: string;
  description: string;
  permissions: PermissionSpec[];
}
interface AdminPermission {
  action: string;
  subject: string | null;
  properties: { fields?: string[] };
  conditions: string[];
}

export const WITHIN_SCOPE = 'api::within-scope';
export const adminRoleDefinitions: AdminRoleDefinition[] = adminRolesFile.roles;

/** How each scoped type reaches a school: the path to the school's district and to its id. */
const SCHOOL_PATHS: Record<string, { district: string; id: string }> = {
  'api::school.school': { district: 'district', id: 'id' },
  'api::teacher.teacher': { district: 'school.district', id: 'school.id' },
  'api::credit-record.credit-record': { district: 'teacher.school.district', id: 'teacher.school.id' },
  'api::certificate.certificate': { district: 'teacher.school.district', id: 'teacher.school.id' },
  'api::enrolment.enrolment': { district: 'teacher.school.district', id: 'teacher.school.id' },
};

/** The condition's filter for one scope and subject; true for the city (or a subject that has no school), false for no scope. */
export function scopeCondition(scope: Scope | null, subject: string | null | undefined): boolean | Record<string, unknown> {
  if (!scope) return false;
  const paths = subject ? SCHOOL_PATHS[subject] : undefined;
  if (scope.level === 'city' || !paths) return true;
  if (scope.level === 'district') return { [paths.district]: { $eq: scope.district } };
  return { [paths.id]: { $eq: scope.schoolId } };
}

/** Bootstrap: the condition shown as 在本人管辖范围内 (Within my scope) in the roles editor. */
export async function registerScopeCondition(strapi: Core.Strapi) {
  const conditions = strapi.service('admin::permission').conditionProvider;
  if (conditions.has(WITHIN_SCOPE)) return;
  await conditions.register({
    displayName: '在本人管辖范围内 Within my scope (city / district / school)',
    name: 'within-scope',
    category: 'xinyu',
    async handler(user: { id: number; permission?: { subject?: string | null } }) {
      return scopeCondition(await scopeOfAdmin(strapi, Number(user.id)), user.permission?.subject);
    },
  });
}

/** Every leaf field path of a content type, components walked (what the Content Manager's field permissions name). */
function fieldPaths(strapi: Core.Strapi, uid: string, except: string[]): string[] {
  const walk = (attributes: Record<string, { type: string; component?: string }>, prefix: string, depth: number): string[] =>
    Object.entries(attributes).flatMap(([name, attribute]) => {
      if (prefix === '' && except.includes(name)) return [];
      if (attribute.type === 'component' && attribute.component && depth < 4) {
        const component = strapi.components[attribute.component as keyof typeof strapi.components] as unknown as { attributes: Record<string, { type: string; component?: string }> };
        return walk(component.attributes, `${prefix}${name}.`, depth + 1);
      }
      return [`${prefix}${name}`];
    });
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as unknown as { attributes: Record<string, { type: string; component?: string; private?: boolean }> };
  const own = Object.fromEntries(Object.entries(model.attributes).filter(([name]) => !['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations'].includes(name)));
  return walk(own, '', 0);
}

const FIELD_ACTIONS = new Set(['create', 'read', 'update']);

/** The file's permissions of one role, expanded to Strapi's shape. */
export function expandPermissions(strapi: Core.Strapi, role: AdminRoleDefinition): AdminPermission[] {
  return role.permissions.flatMap((spec) => {
    if (spec.action) return [{ action: spec.action, subject: null, properties: {}, conditions: [] }];
    return (spec.actions ?? []).flatMap((action) =>
      (spec.subjects ?? []).map((subject) => ({
        action: `plugin::content-manager.explorer.${action}`,
        subject,
        // The panel greys out every field a create, read or update permission does not list, so they are listed.
        properties: FIELD_ACTIONS.has(action) ? { fields: fieldPaths(strapi, subject, spec.fieldsExcept ?? []) } : {},
        conditions: spec.scoped ? [WITHIN_SCOPE] : [],
      }))
    );
  });
}

/**
 * Makes the staff's admin roles exactly what the file says: created when missing (by code), name, description
 * and permissions set; idempotent (Strapi's assignPermissions writes only the difference). Other roles (the
 * super admin's, any made by hand) are left alone.
 */
export async function syncAdminRoles(strapi: Core.Strapi, roles: AdminRoleDefinition[] = adminRoleDefinitions) {
  const roleService = strapi.service('admin::role');
  const changes = { created: 0, updated: 0 };
  for (const definition of roles) {
    let role = await strapi.db.query('admin::role').findOne({ where: { code: definition.code } });
    if (!role) {
      role = await roleService.create({ name: definition.name, code: definition.code, description: definition.description });
      changes.created += 1;
    } else if (role.name !== definition.name || role.description !== definition.description) {
      await strapi.db.query('admin::role').update({ where: { id: role.id }, data: { name: definition.name, description: definition.description } });
      changes.updated += 1;
    }
    await roleService.assignPermissions(role.id, expandPermissions(strapi, definition));
  }
  return changes;
}
