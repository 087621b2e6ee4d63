import { factories } from '@strapi/strapi';

// Append-only: written by the services, read by coordinators; no route writes or deletes it.
export default factories.createCoreRouter('api::audit-event.audit-event', { only: ['find', 'findOne'] });
