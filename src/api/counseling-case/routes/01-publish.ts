import { publishRoutes } from '../../../content/core-api/routes';

export default publishRoutes('counseling-cases', 'counseling-case', ['global::can-read-counseling-cases']);
