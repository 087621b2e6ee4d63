import type { Core } from '@strapi/strapi';
import rolesFile from '../../database/reference/roles.json';

export interface RoleDefinition {
  type: string;
  name: string;
  description: string;
  permissions: string[];
}

const ROLE_UID = 'plugin::users-permissions.role';
const PERMISSION_UID = 'plugin::users-permissions.permission';

export const roleDefinitions: RoleDefinition[] = rolesFile.roles;

/** Every permission action in the file must exist, or a typo would silently grant nothing. */
export function assertKnownActions(strapi: Core.Strapi, roles: RoleDefinition[] = roleDefinitions) {
  const known = contentApiActions(strapi);
  const unknown = roles.flatMap((role) =>
    role.permissions.filter((action) => !known.has(action)).map((action) => `${role.type}: ${action}`)
  );
  if (unknown.length > 0) {
    throw new Error(`database/reference/roles.json names unknown permission actions: ${unknown.join(', ')}`);
  }
}

/** All content-API actions users-permissions can grant, as "namespace.controller.action". */
export function contentApiActions(strapi: Core.Strapi): Set<string> {
  const tree = strapi.service('plugin::users-permissions.users-permissions').getActions() as Record<
    string,
    { controllers: Record<string, Record<string, unknown>> }
  >;
  const actions = new Set<string>();
  for (const [namespace, { controllers }] of Object.entries(tree)) {
    for (const [controller, controllerActions] of Object.entries(controllers)) {
      for (const action of Object.keys(controllerActions)) actions.add(`${namespace}.${controller}.${action}`);
    }
  }
  return actions;
}

/**
 * Makes the users-permissions roles and their permissions exactly what the versioned file says.
 * Idempotent: a second run changes nothing. Runs in one transaction so a failure leaves the old state.
 */
export async function syncRolesAndPermissions(strapi: Core.Strapi, roles: RoleDefinition[] = roleDefinitions) {
  assertKnownActions(strapi, roles);
  const changes = { rolesCreated: 0, rolesUpdated: 0, granted: 0, revoked: 0 };

  await strapi.db.transaction(async () => {
    for (const definition of roles) {
      let role = await strapi.db.query(ROLE_UID).findOne({ where: { type: definition.type } });
      if (!role) {
        role = await strapi.db.query(ROLE_UID).create({
          data: { type: definition.type, name: definition.name, description: definition.description },
        });
        changes.rolesCreated += 1;
      } else if (role.name !== definition.name || role.description !== definition.description) {
        await strapi.db.query(ROLE_UID).update({
          where: { id: role.id },
          data: { name: definition.name, description: definition.description },
        });
        changes.rolesUpdated += 1;
      }

      const current: { id: number; action: string }[] = await strapi.db
        .query(PERMISSION_UID)
        .findMany({ where: { role: { id: role.id } }, select: ['id', 'action'] });
      const wanted = new Set(definition.permissions);
      const have = new Set(current.map((permission) => permission.action));

      const toRevoke = current.filter((permission) => !wanted.has(permission.action));
      if (toRevoke.length > 0) {
        await strapi.db.query(PERMISSION_UID).deleteMany({ where: { id: { $in: toRevoke.map((p) => p.id) } } });
        changes.revoked += toRevoke.length;
      }
      for (const action of wanted) {
        if (have.has(action)) continue;
        await strapi.db.query(PERMISSION_UID).create({ data: { action, role: role.id } });
        changes.granted += 1;
      }
    }
  });

  return changes;
}

/** Teachers are provisioned by the bureau; nobody signs themselves up. */
export async function disableSelfRegistration(strapi: Core.Strapi) {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions' });
  const advanced = ((await store.get({ key: 'advanced' })) as Record<string, unknown>) ?? {};
  if (advanced.allow_register !== false) {
    await store.set({ key: 'advanced', value: { ...advanced, allow_register: false } });
  }
}
