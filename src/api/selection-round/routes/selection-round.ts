import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::selection-round.selection-round' as any, { only: ['find', 'findOne', 'create', 'update'] });
