import { createCurriculumController } from '../../../content/core-api/controller';

export default createCurriculumController('api::counseling-case.counseling-case');
