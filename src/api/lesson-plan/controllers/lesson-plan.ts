import { createCurriculumController } from '../../../content/core-api/controller';

export default createCurriculumController('api::lesson-plan.lesson-plan');
