import type { Core } from '@strapi/strapi';
import { loadDemoData, shouldLoadDemoData } from '../database/demo/load';
import { acquireBootLock, releaseBootLock } from './shared/boot-lock';
import { startCluster, stopCluster } from './shared/cluster';
import { useSharedRateLimits } from './shared/rate-limits';
import { useLocalOutboxWithoutSmtp } from './shared/email-outbox';
import { cacheApiTokenMisses, configureAuthCache, subscribeAuthCacheInvalidation } from './platform/sign-in-cache';
import { configureReadCaches } from './shared/read-cache';
import { contentRulesMiddleware } from './content/rules';
import { guardEveryRoute } from './shared/multipart';
import { syncReferenceData } from './platform/reference-data';
import { disableSelfRegistration, syncRolesAndPermissions } from './platform/roles-permissions';
import { registerScopeCondition, syncAdminRoles } from './platform/admin-roles';
import { syncAdminLabels } from './platform/admin-labels';
import { registerWorkspaceActions, registerWorkspaceRoutes } from './workspace';
import { staffScopeMiddleware } from './platform/scope';
import { schoolStagesMiddleware } from './platform/school-stages';
import { selectionGuardMiddleware } from './library/guard';
import { ensureSelectionIndexes } from './library/indexes';
import { ensureSearchTables, rebuildSearchIndexIfEmpty, searchIndexMiddleware, startSearch } from './content/search/index';
import { searchTermMiddleware } from './content/search/vocabulary';
import { teacherPositionsMiddleware } from './platform/teacher-positions';
import { mhPostMiddleware } from './platform/mh-post';
import { ensureTrainingIndexes, migrateCourseStatus } from './training/ledger';
import { trainingGuardMiddleware } from './training/guard';
import { migrateUploadedEvidence } from './training/evidence';
import { scheduleJobs } from './jobs';

export default {
  async register({ strapi }: { strapi: Core.Strapi }) {
    // Held from before Strapi creates its tables until our bootstrap is done (several instances, one database).
    await acquireBootLock(strapi);
    // Redis when configured; from here on every write reaches the caches of every instance.
    await startCluster(strapi);
    useSharedRateLimits(strapi);
    guardEveryRoute(strapi);
    registerWorkspaceRoutes(strapi);
    // Before the admin's bootstrap gives the super admin every registered action.
    await registerWorkspaceActions(strapi);
    configureAuthCache(strapi.config.get('cache.auth', {}));
    configureReadCaches(strapi.config.get('cache.reads', {}));
    cacheApiTokenMisses(strapi);
    strapi.documents.use(teacherPositionsMiddleware);
    // A newly given mental-health post waits for a researcher's confirmation, whatever the write path.
    strapi.documents.use(mhPostMiddleware);
    strapi.documents.use(schoolStagesMiddleware);
    strapi.documents.use(staffScopeMiddleware);
    strapi.documents.use(searchTermMiddleware);
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

  async destroy({ strapi }: { strapi: Core.Strapi }) {
    await releaseBootLock();
    await stopCluster(strapi);
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
  // Staff admin roles carry the scope condition, so it exists before they are synced.
  await registerScopeCondition(strapi);
  const adminRoles = await syncAdminRoles(strapi);
  if (adminRoles.created || adminRoles.updated) strapi.log.info(`Admin roles synced from database/reference/admin-roles.json: ${JSON.stringify(adminRoles)}`);
  const relabelled = await syncAdminLabels(strapi);
  if (relabelled) strapi.log.info(`Content Manager labels set from database/reference/admin-labels.json (${relabelled} types)`);
  await syncReferenceData(strapi);
  await ensureSearchTables(strapi.db.connection);
  await ensureTrainingIndexes(strapi);
  // Credit evidence from before private files: out of public/uploads into PRIVATE_FILES_DIR.
  await migrateUploadedEvidence(strapi);
  await ensureSelectionIndexes(strapi);
  await startSearch(strapi);
  const reindexed = await rebuildSearchIndexIfEmpty(strapi);
  if (reindexed) strapi.log.info(`Search index was empty; indexed ${reindexed} published documents`);
  scheduleJobs(strapi);

  if (await shouldLoadDemoData(strapi)) {
    await loadDemoData(strapi);
  }
}
