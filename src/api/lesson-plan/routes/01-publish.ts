import { publishRoutes } from '../../../content-api/routes';

export default publishRoutes('lesson-plans', 'lesson-plan');
