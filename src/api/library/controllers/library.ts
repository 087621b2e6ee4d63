import type { Core } from '@strapi/strapi';
import { canReadCounselingCases } from '../../../platform/actor';
import { forbidden } from '../../../shared/errors';
import { readRequest, schemaTools } from '../../../platform/request';
import { CONTENT_UIDS } from '../../../content/curriculum';
import type libraryService from '../services/library';
import type { LibraryRow } from '../services/library';

const LIBRARY_UID = 'api::library.library';

type Ctx = Parameters<Core.ControllerHandler>[0];
const service = (strapi: Core.Strapi) => strapi.service(LIBRARY_UID) as ReturnType<typeof libraryService>;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Ctx) {
    ctx.body = { data: await service(strapi).list() };
  },

  async progress(ctx: Ctx) {
    ctx.body = { data: await service(strapi).progress() };
  },

  /** Same query parameters as the content list endpoint of the library's resource type. */
  async entries(ctx: Ctx) {
    const library: LibraryRow | null = await strapi.db.query(LIBRARY_UID).findOne({ where: { key: ctx.params.key } });
    if (!library) return ctx.notFound(`No library "${ctx.params.key}"`);
    const uid = CONTENT_UIDS[library.resourceType];
    // Before the query is looked at: whatever a non-reader asks of the cases library, the answer is 403.
    const { actor: profile } = await readRequest(strapi, {}, ctx);
    if (library.resourceType === 'counseling-case' && !canReadCounselingCases(profile)) {
      throw forbidden('Counselling cases are for researchers and mental-health teachers');
    }
    const { actor, query } = await readRequest(strapi, schemaTools(strapi, uid), ctx, uid, { hideIdentity: true });
    const result = await service(strapi).entries(actor, library, query);
    const data = await strapi.contentAPI.sanitize.output(result.data, strapi.getModel(uid));
    ctx.body = { data, meta: { library: result.library, pagination: result.pagination } };
  },
});
