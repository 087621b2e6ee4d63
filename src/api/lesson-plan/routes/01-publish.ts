import { publishRoutes } from '../../../content/core-api/routes';

export default publishRoutes('lesson-plans', 'lesson-plan');
