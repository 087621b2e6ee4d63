import { factories } from '@strapi/strapi';

// Entries are written only by finalising a round and read through GET /api/libraries/:key/entries.
export default factories.createCoreService('api::library-entry.library-entry');
