import { createCurriculumService } from '../../../content/core-api/service';

export default createCurriculumService('api::counseling-case.counseling-case');
