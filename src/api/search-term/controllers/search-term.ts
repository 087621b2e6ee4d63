import { factories } from '@strapi/strapi';

// Edited in the admin panel only (no content-API routes): the search's vocabulary is staff reference data.
export default factories.createCoreController('api::search-term.search-term');
