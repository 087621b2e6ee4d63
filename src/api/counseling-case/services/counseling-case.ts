import { createCurriculumService } from '../../../content-api/service';

export default createCurriculumService('api::counseling-case.counseling-case');
