import { acceptsData } from '../../../shared/query-guards';

export default {
  routes: [
    { method: 'POST', path: '/submissions/:id/withdraw', handler: 'submission.withdraw', config: { middlewares: [acceptsData([])], description: 'Withdraw your own submission before review starts' } },
  ],
};
