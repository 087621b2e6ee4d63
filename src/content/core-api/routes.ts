import { factories } from '@strapi/strapi';
import type { ContentUid } from '../curriculum';

/** Core CRUD routes with the write policies; `readPolicies` guard every route (e.g. counselling cases). */
export function createCurriculumRouter(uid: ContentUid, readPolicies: string[] = []) {
  const write = [...readPolicies, 'global::has-teacher-profile'];
  return factories.createCoreRouter(uid, {
    config: {
      find: { policies: readPolicies },
      findOne: { policies: readPolicies },
      create: { policies: write },
      update: { policies: [...write, { name: 'global::owns-document', config: { uid } }] },
      delete: { policies: readPolicies },
    },
  });
}

/** POST /<plural>/:id/publish and /unpublish: researcher-only actions in roles.json. */
export function publishRoutes(pluralName: string, controller: string, readPolicies: string[] = []) {
  return {
    routes: (['publish', 'unpublish'] as const).map((action) => ({
      method: 'POST',
      path: `/${pluralName}/:id/${action}`,
      handler: `${controller}.${action}`,
      config: { policies: readPolicies },
    })),
  };
}
