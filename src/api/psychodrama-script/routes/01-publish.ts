import { publishRoutes } from '../../../content-api/routes';

export default publishRoutes('psychodrama-scripts', 'psychodrama-script');
