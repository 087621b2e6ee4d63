import { createCurriculumRouter } from '../../../content/core-api/routes';

export default createCurriculumRouter('api::lesson-plan.lesson-plan');
