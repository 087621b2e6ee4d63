import { createCurriculumService } from '../../../content-api/service';

export default createCurriculumService('api::psychodrama-script.psychodrama-script');
