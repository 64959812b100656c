import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { accountsArea } from './accounts/index.js';
import { remindersArea } from './reminders/index.js';
import { authPlugin } from './accounts/auth.js';
import { auditArea } from './audit/index.js';
import { campaignsArea } from './campaigns/index.js';
import { contractsArea } from './contracts/index.js';
import { declarationsArea } from './declarations/index.js';
import type { AppDeps } from './deps.js';
import { devArea, localIdentityFor } from './dev/index.js';
import { observatoryArea } from './observatory/index.js';
import { AccessLog } from './platform/http/accessLog.js';
import { registerAssets } from './platform/http/assets.js';
import { registerErrorPages, renderRefusedUrl } from './platform/http/errorPages.js';
import { healthRoutes } from './platform/http/health.route.js';
import { refuseHostileUrls } from './platform/http/hostileUrls.js';
import { securityPlugin } from './platform/http/security.js';
import { viewsPlugin } from './platform/http/views.js';
import { registryArea } from './registry/index.js';
import { portalUrlOf } from './runtime.js';

/** The fastify app, not listening: tests drive it with inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const production = deps.config.NODE_ENV === 'production';
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new AccessLog(),
    genReqId: () => randomUUID(),
    trustProxy: deps.config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // A path the router cannot decode, or a parameter too long: the Italian page, not JSON.
    frameworkErrors: (error, request, reply) =>
      renderRefusedUrl(request, reply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400),
  });

  await app.register(securityPlugin, {
    cookieSecret: deps.cookieSecret,
    secureCookies: production,
  });
  await app.register(formBody);
  await app.register(viewsPlugin);
  await registerAssets(app, { maxAgeSeconds: production ? 86_400 : 0 });
  registerErrorPages(app);
  refuseHostileUrls(app);

  await app.register(authPlugin, { db: deps.database.db, clock: deps.clock });
  healthRoutes(app, deps);

  // One plugin per area; each registers its own routes (src/<area>/index.ts).
  const portalUrl = portalUrlOf(app, deps.config);
  const localIdentity = localIdentityFor(deps, portalUrl);
  await app.register(accountsArea, deps);
  await app.register(remindersArea, deps);
  await app.register(contractsArea, deps);
  await app.register(declarationsArea, deps);
  await app.register(campaignsArea, deps);
  await app.register(registryArea, deps);
  await app.register(observatoryArea, { ...deps, portalUrl, localIdentity });
  await app.register(auditArea, deps);
  // The developer's stand-ins for mail and SPID/CIE: production settings register neither.
  await app.register(devArea, { ...deps, localIdentity });
  return app;
}
