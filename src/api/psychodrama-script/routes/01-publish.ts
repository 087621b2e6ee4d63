import { publishRoutes } from '../../../content/core-api/routes';

export default publishRoutes('psychodrama-scripts', 'psychodrama-script');
