import type { Core } from '@strapi/strapi';
import { loadDemoData, shouldLoadDemoData } from '../database/demo/load';
import { acquireBootLock, releaseBootLock } from './boot-lock';
import { useLocalOutboxWithoutSmtp } from './email-outbox';
import { cacheApiTokenMisses, configureAuthCache, subscribeAuthCacheInvalidation } from './auth-cache';
import { configureReadCaches } from './read-cache';
import { contentRulesMiddleware } from './content-rules';
import { guardEveryRoute } from './multipart';
import { syncReferenceData } from './reference-data';
import { disableSelfRegistration, syncRolesAndPermissions } from './roles-permissions';
import { schoolStagesMiddleware } from './school-stages';
import { selectionGuardMiddleware } from './selection/guard';
import { ensureSelectionIndexes } from './selection/indexes';
import { ensureSearchTables, rebuildSearchIndexIfEmpty, searchIndexMiddleware } from './search-index';
import { teacherPositionsMiddleware } from './teacher-positions';
import { mhPostMiddleware } from './mh-post';
import { ensureTrainingIndexes, migrateCourseStatus } from './training';
import { trainingGuardMiddleware } from './training/guard';
import { migrateUploadedEvidence } from './training/evidence';

export default {
  async register({ strapi }: { strapi: Core.Strapi }) {
    // Held from before Strapi creates its tables until our bootstrap is done (several instances, one database).
    await acquireBootLock(strapi);
    guardEveryRoute(strapi);
    configureAuthCache(strapi.config.get('cache.auth', {}));
    configureReadCaches(strapi.config.get('cache.reads', {}));
    cacheApiTokenMisses(strapi);
    strapi.documents.use(teacherPositionsMiddleware);
    // A newly given mental-health post waits for a researcher's confirmation, whatever the write path.
    strapi.documents.use(mhPostMiddleware);
    strapi.documents.use(schoolStagesMiddleware);
    // Rules first, so nothing invalid reaches the index; the index then follows every successful write.
    strapi.documents.use(searchIndexMiddleware);
    strapi.documents.use(contentRulesMiddleware);
    // Ledger and selection state changes only inside the domain services' decisions, whoever the client is.
    strapi.documents.use(selectionGuardMiddleware);
    strapi.documents.use(trainingGuardMiddleware);
    // Before Strapi's schema sync drops the old column (under the boot lock).
    await migrateCourseStatus(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    try {
      await bootstrapUnderLock(strapi);
    } finally {
      await releaseBootLock();
    }
  },

  async destroy() {
    await releaseBootLock();
  },
};

async function bootstrapUnderLock(strapi: Core.Strapi) {
  useLocalOutboxWithoutSmtp(strapi);
  subscribeAuthCacheInvalidation(strapi);
  const changes = await syncRolesAndPermissions(strapi);
  if (changes.rolesCreated || changes.rolesUpdated || changes.granted || changes.revoked) {
    strapi.log.info(`Roles synced from database/reference/roles.json: ${JSON.stringify(changes)}`);
  }
  await disableSelfRegistration(strapi);
  await syncReferenceData(strapi);
  await ensureSearchTables(strapi.db.connection);
  await ensureTrainingIndexes(strapi);
  // Credit evidence from before private files: out of public/uploads into PRIVATE_FILES_DIR.
  await migrateUploadedEvidence(strapi);
  await ensureSelectionIndexes(strapi);
  const reindexed = await rebuildSearchIndexIfEmpty(strapi);
  if (reindexed) strapi.log.info(`Search index was empty; indexed ${reindexed} published documents`);

  if (await shouldLoadDemoData(strapi)) {
    await loadDemoData(strapi);
  }
}
