import type { FastifyInstance } from 'fastify';
import { observatoryAdminRoutes } from './admin.route.js';
import { adminRoleRoutes } from './adminRoles.route.js';
import { digitalIdentityRoutes, type IdentityDeps } from './identity/digitalIdentity.js';
import { monthlyFlowRoutes } from './monthlyFlow.route.js';
import { municipalityHistoryRoutes } from './municipalityHistory.route.js';
import { observatoryHomeRoutes } from './observatoryHome.route.js';
import { officerAssociationRoutes } from './officerAssociations.route.js';
import { officerDashboardRoutes } from './officerDashboard.route.js';
import { observatoryPrefix } from './identity/requestIdentity.js';
import { openDataRoutes } from './openData.route.js';

/**
 * Osservatorio Rifiuti: SPID/CIE login, each municipality's monthly flows with their unlocks,
 * the admin's page (unlocks, municipalities' users, admins, export), and the open data.
 */
export async function observatoryArea(app: FastifyInstance, deps: IdentityDeps): Promise<void> {
  // Every page of the observatory is under /osservatorio.
  await app.register(
    async (area) => {
      // Set by requireObservatory for the pages behind it.
      area.decorateRequest('observatoryRole', null);
      digitalIdentityRoutes(area, deps);
      observatoryHomeRoutes(area, deps);
      officerDashboardRoutes(area, deps);
      monthlyFlowRoutes(area, deps);
      observatoryAdminRoutes(area, deps);
      officerAssociationRoutes(area, deps);
      adminRoleRoutes(area, deps);
      municipalityHistoryRoutes(area, deps);
      openDataRoutes(area, deps);
    },
    { prefix: observatoryPrefix },
  );
}
