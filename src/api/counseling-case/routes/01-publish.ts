import { publishRoutes } from '../../../content-api/routes';

export default publishRoutes('counseling-cases', 'counseling-case', ['global::can-read-counseling-cases']);
