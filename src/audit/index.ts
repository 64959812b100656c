import type { FastifyInstance } from 'fastify';
import type { AreaDeps } from '../deps.js';
import { exportRoutes } from './export.route.js';
import { historyRoutes } from './history.route.js';
import { projectionStatusRoutes } from './projectionStatus.route.js';
import { stateAsOfRoutes } from './stateAsOf.route.js';
import { timelineRoutes } from './timeline.route.js';
import { verifyIntegrityRoutes } from './verify.route.js';

/**
 * Revisione: the auditors' section. The history and its search, one stream's timeline and its
 * state at a date, the integrity checks, the export, and the read models' status.
 */
export async function auditArea(app: FastifyInstance, deps: AreaDeps): Promise<void> {
  // Every page of the section is under /revisione.
  await app.register(
    async (area) => {
      historyRoutes(area, deps);
      timelineRoutes(area, deps);
      stateAsOfRoutes(area, deps);
      verifyIntegrityRoutes(area, deps);
      exportRoutes(area, deps);
      projectionStatusRoutes(area, deps);
    },
    { prefix: '/revisione' },
  );
}
