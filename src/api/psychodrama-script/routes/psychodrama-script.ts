import { createCurriculumRouter } from '../../../content-api/routes';

export default createCurriculumRouter('api::psychodrama-script.psychodrama-script');
