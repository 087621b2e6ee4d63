import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::submission.submission' as any, {
  only: ['find', 'findOne', 'create'],
  config: { create: { policies: ['global::has-teacher-profile'] } },
});
