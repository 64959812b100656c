import type { FastifyInstance } from 'fastify';
import type { AuditDeps } from '../deps.js';
import { exportRoutes } from './export.route.js';
import { historyRoutes } from './history.route.js';
import { projectionStatusRoutes } from './projectionStatus.route.js';
import { stateAsOfRoutes } from './stateAsOf.route.js';
import { timelineRoutes } from './timeline.route.js';
import { transparencyRoutes } from './transparency.route.js';
import { verifyIntegrityRoutes } from './verify.route.js';

/**
 * Revisione: the auditors' section. The history and its search, one stream's timeline and its
 * state at a date, the integrity checks, the export, and the read models' status. Outside it, for
 * anyone: the transparency page with the log's signed tree head and the key.
 */
export async function auditArea(app: FastifyInstance, deps: AuditDeps): Promise<void> {
  transparencyRoutes(app, deps);
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
