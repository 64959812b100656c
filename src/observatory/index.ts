import type { FastifyInstance } from 'fastify';
import { observatoryAdminRoutes } from './admin.route.js';
import { adminRoleRoutes } from './adminRoles.route.js';
import { digitalIdentityRoutes, type IdentityDeps } from './identity/digitalIdentity.js';
import { manualRoutes } from './manual.route.js';
import { delegationRoutes } from './delegations.route.js';
import { monthlyFlowRoutes } from './monthlyFlow.route.js';
import { apiTokenRoutes } from './flowApi/apiTokens.route.js';
import { flowApiRoutes } from './flowApi/flowApi.route.js';
import { flowImportRoutes } from './flowImport/flowImport.route.js';
import { withUploads } from '../platform/http/uploads.js';
import { municipalityChoiceRoutes } from './municipalityChoice.route.js';
import { municipalityHistoryRoutes } from './municipalityHistory.route.js';
import { observatoryHomeRoutes } from './observatoryHome.route.js';
import { officerAssociationRoutes } from './officerAssociations.route.js';
import { officerDashboardRoutes } from './officerDashboard.route.js';
import { observatoryPrefix } from './identity/requestIdentity.js';
import { openDataRoutes } from './openData.route.js';
import { yearValidationRoutes } from './yearValidation.route.js';

/**
 * Osservatorio Rifiuti: SPID/CIE login, each municipality's monthly flows with their unlocks,
 * the admin's page (unlocks, municipalities' users, admins, export), the Region's yearly
 * validation, the open data, and the municipalities' manual.
 */
export async function observatoryArea(app: FastifyInstance, deps: IdentityDeps): Promise<void> {
  // Every page of the observatory is under /osservatorio.
  await app.register(
    async (area) => {
      // Set by requireObservatory for the pages behind it.
      area.decorateRequest('observatoryRole', null);
      digitalIdentityRoutes(area, deps);
      observatoryHomeRoutes(area, deps);
      municipalityChoiceRoutes(area, deps);
      officerDashboardRoutes(area, deps);
      delegationRoutes(area, deps);
      const month = monthlyFlowRoutes(area, deps);
      // A month's file is at most 1 MB: the request, with its form's fields, no more than 2.
      await withUploads(area, (uploads) => flowImportRoutes(uploads, deps, month), 2 * 1024 * 1024);
      apiTokenRoutes(area, deps);
      observatoryAdminRoutes(area, deps);
      officerAssociationRoutes(area, deps);
      adminRoleRoutes(area, deps);
      municipalityHistoryRoutes(area, deps);
      openDataRoutes(area, deps);
      manualRoutes(area, deps);
      yearValidationRoutes(area, deps);
    },
    { prefix: observatoryPrefix },
  );
  // Software files the months with a municipality's API token: no session, no cookie.
  await app.register(async (api) => flowApiRoutes(api, deps), { prefix: '/api/osservatorio' });
}
