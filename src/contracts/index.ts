import type { FastifyInstance } from 'fastify';
import type { AreaDeps } from '../deps.js';
import { changeContractNumberRoutes } from './changeContractNumber.route.js';
import { contractHistoryRoutes } from './contractHistory.route.js';
import { contractReviewRoutes } from './contractReview.route.js';
import { contractRoutes } from './contracts.route.js';
import { declareContractRoutes } from './declareContract.route.js';
import { reservedAreaRoutes } from './reservedArea.route.js';
import { territoryRoutes } from './territory.route.js';

/**
 * Contracts: the declarant's reserved area and contracts, declaring a new one, hand-overs between
 * company and consultant, a new contract number, each contract's history, and the operators'
 * review of declared contracts.
 */
export async function contractsArea(app: FastifyInstance, deps: AreaDeps): Promise<void> {
  reservedAreaRoutes(app, deps);
  territoryRoutes(app);
  declareContractRoutes(app, deps);
  contractRoutes(app, deps);
  changeContractNumberRoutes(app, deps);
  contractHistoryRoutes(app, deps);
  contractReviewRoutes(app, deps);
}
