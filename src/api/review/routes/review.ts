import { factories } from '@strapi/strapi';
import { acceptsData } from '../../../shared/query-guards';

export default factories.createCoreRouter('api::review.review', {
  only: ['find', 'findOne', 'create', 'update'],
  config: { create: { middlewares: [acceptsData(['submission', 'reviewer'])] }, update: { middlewares: [acceptsData(['scores', 'comment'])] } },
});
