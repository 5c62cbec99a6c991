// The admin API for startRelay's route list: Icecast's /admin/ commands, /admin.cgi, and the
// admin half of the JSON API.
import type { Route } from '../http-app.ts';
import { adminCommands } from './admin-route.ts';
import { shoutcastMetadata } from './shoutcast-cgi.ts';
import { adminApi } from './api-routes.ts';

export const adminRoutes: Route[] = [adminCommands, shoutcastMetadata, adminApi];
