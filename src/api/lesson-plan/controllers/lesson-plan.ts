import { createCurriculumController } from '../../../content-api/controller';

export default createCurriculumController('api::lesson-plan.lesson-plan');
