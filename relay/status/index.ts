// Public status endpoints, for startRelay's route list.
import type { Route } from '../http-app.ts';
import { statusPages } from './routes.ts';

export const statusRoutes: Route[] = [statusPages];
