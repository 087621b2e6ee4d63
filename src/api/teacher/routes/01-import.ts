export default {
  routes: [
    {
      method: 'POST',
      path: '/teachers/import',
      handler: 'teacher.import',
      config: { description: 'Create or update teachers from a CSV/XLSX roster keyed by staff number; new accounts get one-time activation codes' },
    },
  ],
};
