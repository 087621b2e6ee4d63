export default {
  routes: [
    { method: 'POST', path: '/submissions/:id/withdraw', handler: 'submission.withdraw', config: { description: 'Withdraw your own submission before review starts' } },
  ],
};
