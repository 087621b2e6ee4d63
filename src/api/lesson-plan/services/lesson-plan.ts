import { createCurriculumService } from '../../../content-api/service';

export default createCurriculumService('api::lesson-plan.lesson-plan');
