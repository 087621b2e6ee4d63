import { createCurriculumController } from '../../../content-api/controller';

export default createCurriculumController('api::psychodrama-script.psychodrama-script');
