export default {
  routes: [
    {
      method: 'POST',
      path: '/teachers/import',
      handler: 'teacher.import',
      config: { description: 'Create or update teachers from a CSV/XLSX roster keyed by staff number; new accounts get one-time activation codes by email (the answer holds delivery status only)' },
    },
    {
      method: 'POST',
      path: '/teachers/:id/resend-activation',
      handler: 'teacher.resendActivation',
      config: { description: "Send a not yet activated teacher a new one-time activation code by email; answers the delivery status only" },
    },
    {
      method: 'POST',
      path: '/teachers/:id/confirm-mh-post',
      handler: 'teacher.confirmMhPost',
      config: { description: "Confirm a teacher's mental-health post so it opens counselling cases (researchers; never one's own; audited)" },
    },
  ],
};
