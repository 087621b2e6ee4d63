import { factories } from '@strapi/strapi';

// Teacher profiles are provisioned (admin panel now, roster import later); the content API only reads them.
export default factories.createCoreRouter('api::teacher.teacher', { only: ['find', 'findOne'] });
