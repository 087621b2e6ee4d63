export default {
  routes: [
    { method: 'GET', path: '/me/transcript', handler: 'transcript.mine', config: { description: "The caller's credit hours for a school year, the requirement and whether it is met" } },
    { method: 'GET', path: '/transcripts/:id', handler: 'transcript.findOne', config: { description: "A teacher's transcript (coordinators)" } },
  ],
};
