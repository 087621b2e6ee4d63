import { factories } from '@strapi/strapi';
import { acceptsData } from '../../../shared/query-guards';

const MANUAL = ['teacher', 'category', 'hours', 'date', 'note', 'course'];

export default factories.createCoreRouter('api::credit-record.credit-record', {
  only: ['find', 'findOne', 'create', 'update'],
  config: { create: { middlewares: [acceptsData(MANUAL)] }, update: { middlewares: [acceptsData(MANUAL)] } },
});
