export default {
  routes: [
    { method: 'POST', path: '/selection-rounds/:id/transition', handler: 'selection-round.transition', config: { description: 'Move a round one step: draft → open → reviewing → finalised' } },
    { method: 'POST', path: '/selection-rounds/:id/finalise', handler: 'selection-round.finalise', config: { description: 'Rank, select and create library entries, once' } },
  ],
};
