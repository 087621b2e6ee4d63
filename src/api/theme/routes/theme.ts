import { factories } from '@strapi/strapi';

// Themes are reference data from database/reference/themes.json; the content API only reads them.
export default factories.createCoreRouter('api::theme.theme', { only: ['find', 'findOne'] });
