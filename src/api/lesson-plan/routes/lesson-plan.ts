import { createCurriculumRouter } from '../../../content-api/routes';

export default createCurriculumRouter('api::lesson-plan.lesson-plan');
