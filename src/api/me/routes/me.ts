export default {
  routes: [
    {
      method: 'GET',
      path: '/me',
      handler: 'me.find',
      config: {
        description: "The caller's own account: role, teacher profile and school. Never contact details.",
      },
    },
  ],
};
