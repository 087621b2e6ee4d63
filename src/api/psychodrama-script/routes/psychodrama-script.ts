import { createCurriculumRouter } from '../../../content/core-api/routes';

export default createCurriculumRouter('api::psychodrama-script.psychodrama-script');
