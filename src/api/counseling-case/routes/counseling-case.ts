import { createCurriculumRouter } from '../../../content/core-api/routes';

// Every case route, reads included, is for researchers and mental-health teachers only.
export default createCurriculumRouter('api::counseling-case.counseling-case', ['global::can-read-counseling-cases']);
