import { factories } from '@strapi/strapi';
import { acceptsData } from '../../../shared/query-guards';

export default factories.createCoreRouter('api::submission.submission', {
  only: ['find', 'findOne', 'create'],
  config: { create: { policies: ['global::has-teacher-profile'], middlewares: [acceptsData(['round', 'resource'])] } },
});
