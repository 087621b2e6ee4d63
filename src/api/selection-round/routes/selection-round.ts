import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::selection-round.selection-round', { only: ['find', 'findOne', 'create', 'update'] });
