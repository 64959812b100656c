import formBody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { EventStore } from './eventStore/eventStore.js';
import { healthRoutes } from './health/health.route.js';
import { homeRoutes } from './home/home.route.js';
import { registerAssets } from './http/assets.js';
import { registerErrorPages } from './http/errorPages.js';
import { securityPlugin } from './http/security.js';
import { viewsPlugin } from './http/views.js';
import type { ProjectionRunner } from './projections/projectionRunner.js';

export type Clock = () => Date;

/** Everything the app needs, built by the composition root (src/main.ts) or by a test. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: FastifyBaseLogger;
  readonly clock: Clock;
  readonly database: Database;
  readonly eventStore: EventStore;
  readonly projections: ProjectionRunner;
  readonly cookieSecret: string;
}

/** The fastify app, not listening: tests drive it with inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const production = deps.config.NODE_ENV === 'production';
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: () => randomUUID(),
    trustProxy: production,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  });

  await app.register(securityPlugin, {
    cookieSecret: deps.cookieSecret,
    secureCookies: production,
  });
  await app.register(formBody);
  await app.register(viewsPlugin, { cache: production });
  await registerAssets(app, { maxAgeSeconds: production ? 86_400 : 0 });
  registerErrorPages(app);

  homeRoutes(app);
  healthRoutes(app, deps);
  return app;
}
