import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::five-education-tag.five-education-tag');
