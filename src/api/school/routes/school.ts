import { factories } from '@strapi/strapi';

// Schools are maintained in the admin panel (and later by roster import); the content API only reads them.
export default factories.createCoreRouter('api::school.school', { only: ['find', 'findOne'] });
