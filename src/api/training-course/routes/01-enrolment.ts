import { acceptsData } from '../../../shared/query-guards';

export default {
  routes: [
    { method: 'POST', path: '/training-courses/:id/enrol', handler: 'training-course.enrol', config: { policies: ['global::has-teacher-profile'], middlewares: [acceptsData([])], description: 'Enrol yourself on an open course meant for your positions' } },
    { method: 'POST', path: '/training-courses/:id/enrolments', handler: 'training-course.enrolTeachers', config: { middlewares: [acceptsData(['teachers'])], description: 'Enrol teachers of your scope (coordinators); all or nothing, under the rules of self-enrolment' } },
    { method: 'POST', path: '/training-courses/:id/complete', handler: 'training-course.complete', config: { middlewares: [acceptsData(['teachers'])], description: 'Mark enrolled teachers as completed; credits the course hours' } },
  ],
};
