import { createCurriculumController } from '../../../content-api/controller';

export default createCurriculumController('api::counseling-case.counseling-case');
