import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::requirement-rule.requirement-rule');
