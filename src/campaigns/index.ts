import type { FastifyInstance } from 'fastify';
import type { AreaDeps } from '../deps.js';
import { contractLimitsRoutes } from './campaignContractLimits.route.js';
import { campaignRoutes } from './campaigns.route.js';

/** Campaigns: the operators open a year's campaign, follow who declared, set contracts' limits. */
export async function campaignsArea(app: FastifyInstance, deps: AreaDeps): Promise<void> {
  // Every page of the campaigns is under /operatori/campagne.
  await app.register(
    async (area) => {
      campaignRoutes(area, deps);
      contractLimitsRoutes(area, deps);
    },
    { prefix: '/operatori/campagne' },
  );
}
