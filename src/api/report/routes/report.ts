export default {
  routes: [
    { method: 'GET', path: '/reports/compliance', handler: 'report.compliance', config: { description: 'Per school and position: teachers meeting the yearly requirement (JSON or format=csv)' } },
  ],
};
