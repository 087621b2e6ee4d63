import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::five-education-tag.five-education-tag');
