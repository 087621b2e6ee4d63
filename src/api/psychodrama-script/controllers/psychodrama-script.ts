import { createCurriculumController } from '../../../content/core-api/controller';

export default createCurriculumController('api::psychodrama-script.psychodrama-script');
