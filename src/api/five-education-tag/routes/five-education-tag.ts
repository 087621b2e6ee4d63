import { factories } from '@strapi/strapi';

// Reference data from database/reference/five-education-tags.json; the content API only reads it.
export default factories.createCoreRouter('api::five-education-tag.five-education-tag', { only: ['find', 'findOne'] });
