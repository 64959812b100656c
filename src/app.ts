import formBody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Database } from './platform/db/database.js';
import type { EventStore } from './platform/eventStore/eventStore.js';
import { authPlugin } from './accounts/auth.js';
import { firstAccessRoutes } from './accounts/firstAccess.route.js';
import { loginRoutes } from './accounts/login.route.js';
import { passwordResetRoutes } from './accounts/passwordReset.route.js';
import { profileRoutes } from './accounts/profile.route.js';
import { registerRoutes } from './accounts/register.route.js';
import { verifyRoutes } from './accounts/verify.route.js';
import { exportRoutes } from './audit/export.route.js';
import { historyRoutes } from './audit/history.route.js';
import { projectionStatusRoutes } from './audit/projectionStatus.route.js';
import { stateAsOfRoutes } from './audit/stateAsOf.route.js';
import { timelineRoutes } from './audit/timeline.route.js';
import { verifyIntegrityRoutes } from './audit/verify.route.js';
import { contractHistoryRoutes } from './contracts/contractHistory.route.js';
import { contractRoutes } from './contracts/contracts.route.js';
import { declareContractRoutes } from './contracts/declareContract.route.js';
import { declarationsRoutes } from './declarations/declarations.route.js';
import { prepareDeclarationRoutes } from './declarations/prepareDeclaration.route.js';
import { submitDeclarationRoutes } from './declarations/submitDeclaration.route.js';
import { templateRoutes } from './declarations/templates.route.js';
import { campaignRoutes } from './campaigns/campaigns.route.js';
import { observatoryAdminRoutes } from './observatory/admin.route.js';
import { monthlyFlowRoutes } from './observatory/monthlyFlow.route.js';
import { municipalityHistoryRoutes } from './observatory/municipalityHistory.route.js';
import { observatoryHomeRoutes } from './observatory/observatoryHome.route.js';
import { officerDashboardRoutes } from './observatory/officerDashboard.route.js';
import { openDataRoutes } from './observatory/openData.route.js';
import { healthRoutes } from './platform/http/health.route.js';
import { infoRoutes } from './accounts/info.route.js';
import { contractReviewRoutes } from './contracts/contractReview.route.js';
import { invitationRoutes } from './accounts/invitations.route.js';
import { registrationReviewRoutes } from './accounts/registrationReview.route.js';
import { registryRoutes } from './registry/registry.route.js';
import { reservedAreaRoutes } from './contracts/reservedArea.route.js';
import { territoryRoutes } from './contracts/territory.route.js';
import { homeRoutes } from './accounts/home.route.js';
import { registerAssets } from './platform/http/assets.js';
import { registerErrorPages, renderRefusedUrl } from './platform/http/errorPages.js';
import { refuseHostileUrls } from './platform/http/hostileUrls.js';
import { securityPlugin } from './platform/http/security.js';
import { withUploads } from './platform/http/uploads.js';
import { viewsPlugin } from './platform/http/views.js';
import { mailboxRoutes, servesLocalMailbox } from './dev/mailbox.route.js';
import { digitalIdentityRoutes } from './observatory/identity/digitalIdentity.js';
import type { ProjectionRunner } from './platform/subscriptions/projectionRunner.js';

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
  // Templates are read once, but where a developer edits them (npm run dev).
  await app.register(viewsPlugin, { cache: deps.config.NODE_ENV !== 'development' });
  await registerAssets(app, { maxAgeSeconds: production ? 86_400 : 0 });
  registerErrorPages(app);
  refuseHostileUrls(app);

  await app.register(authPlugin, { db: deps.database.db, clock: deps.clock });

  homeRoutes(app);
  infoRoutes(app);
  healthRoutes(app, deps);
  territoryRoutes(app);
  loginRoutes(app, deps);
  digitalIdentityRoutes(app, deps);
  registerRoutes(app, deps);
  verifyRoutes(app, deps);
  passwordResetRoutes(app, deps);
  profileRoutes(app, deps);
  firstAccessRoutes(app, deps);
  reservedAreaRoutes(app, deps);
  declareContractRoutes(app, deps);
  contractRoutes(app, deps);
  contractHistoryRoutes(app, deps);
  registrationReviewRoutes(app, deps);
  contractReviewRoutes(app, deps);
  invitationRoutes(app, deps);
  declarationsRoutes(app, deps);
  templateRoutes(app, deps);
  submitDeclarationRoutes(app, deps);
  campaignRoutes(app, deps);
  observatoryHomeRoutes(app, deps);
  officerDashboardRoutes(app, deps);
  monthlyFlowRoutes(app, deps);
  observatoryAdminRoutes(app, deps);
  municipalityHistoryRoutes(app, deps);
  openDataRoutes(app, deps);
  verifyIntegrityRoutes(app, deps);
  exportRoutes(app, deps);
  projectionStatusRoutes(app, deps);
  historyRoutes(app, deps);
  timelineRoutes(app, deps);
  stateAsOfRoutes(app, deps);
  // The only routes that take files: a multipart body posted anywhere else is refused unread.
  await withUploads(app, (uploads) => {
    prepareDeclarationRoutes(uploads, deps);
    registryRoutes(uploads, deps);
  });
  if (servesLocalMailbox(deps.config)) mailboxRoutes(app, deps);
  return app;
}
