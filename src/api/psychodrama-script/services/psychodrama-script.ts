import { createCurriculumService } from '../../../content/core-api/service';

export default createCurriculumService('api::psychodrama-script.psychodrama-script');
