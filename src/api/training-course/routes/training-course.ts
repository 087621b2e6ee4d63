import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::training-course.training-course', { only: ['find', 'findOne', 'create', 'update'] });
