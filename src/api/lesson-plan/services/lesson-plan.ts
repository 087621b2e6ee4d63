import { createCurriculumService } from '../../../content/core-api/service';

export default createCurriculumService('api::lesson-plan.lesson-plan');
