import type { Core } from '@strapi/strapi';
import { loadDemoData, shouldLoadDemoData } from '../database/demo/load';
import { disableSelfRegistration, syncRolesAndPermissions } from './roles-permissions';
import { schoolStagesMiddleware } from './school-stages';
import { teacherPositionsMiddleware } from './teacher-positions';

export default {
  register({ strapi }: { strapi: Core.Strapi }) {
    strapi.documents.use(teacherPositionsMiddleware);
    strapi.documents.use(schoolStagesMiddleware);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    const changes = await syncRolesAndPermissions(strapi);
    if (changes.rolesCreated || changes.rolesUpdated || changes.granted || changes.revoked) {
      strapi.log.info(`Roles synced from database/reference/roles.json: ${JSON.stringify(changes)}`);
    }
    await disableSelfRegistration(strapi);

    if (await shouldLoadDemoData(strapi)) {
      await loadDemoData(strapi);
    }
  },
};
