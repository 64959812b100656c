import type { FastifyInstance } from 'fastify';
import { observatoryAdminRoutes } from './admin.route.js';
import { adminRoleRoutes } from './adminRoles.route.js';
import { digitalIdentityRoutes, type IdentityDeps } from './identity/digitalIdentity.js';
import { monthlyFlowRoutes } from './monthlyFlow.route.js';
import { municipalityHistoryRoutes } from './municipalityHistory.route.js';
import { observatoryHomeRoutes } from './observatoryHome.route.js';
import { officerAssociationRoutes } from './officerAssociations.route.js';
import { officerDashboardRoutes } from './officerDashboard.route.js';
import { openDataRoutes } from './openData.route.js';

/**
 * Osservatorio Rifiuti: SPID/CIE login, each municipality's monthly flows with their unlocks,
 * the admin's page (unlocks, municipalities' users, admins, export), and the open data.
 */
export async function observatoryArea(app: FastifyInstance, deps: IdentityDeps): Promise<void> {
  // Set by requireObservatory for the pages behind it.
  app.decorateRequest('observatoryRole', null);
  digitalIdentityRoutes(app, deps);
  observatoryHomeRoutes(app, deps);
  officerDashboardRoutes(app, deps);
  monthlyFlowRoutes(app, deps);
  observatoryAdminRoutes(app, deps);
  officerAssociationRoutes(app, deps);
  adminRoleRoutes(app, deps);
  municipalityHistoryRoutes(app, deps);
  openDataRoutes(app, deps);
}
