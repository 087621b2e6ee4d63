import { acceptsData } from '../../../shared/query-guards';

export default {
  routes: [
    { method: 'POST', path: '/selection-rounds/:id/transition', handler: 'selection-round.transition', config: { middlewares: [acceptsData(['status', 'allowIncomplete'], { topLevel: ['allowIncomplete'] })], description: 'Move a round one step: draft → open → reviewing → finalised' } },
    { method: 'POST', path: '/selection-rounds/:id/finalise', handler: 'selection-round.finalise', config: { middlewares: [acceptsData(['allowIncomplete'], { topLevel: ['allowIncomplete'] })], description: 'Rank, select and create library entries, once' } },
  ],
};
