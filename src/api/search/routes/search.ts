export default {
  routes: [
    {
      method: 'GET',
      path: '/search',
      handler: 'search.find',
      config: {
        description: 'Chinese full-text search over published lesson plans, psychodrama scripts and (for those who may read them) counselling cases.',
      },
    },
  ],
};
