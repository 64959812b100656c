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
  historyRoutes(app, deps);
  timelineRoutes(app, deps);
  stateAsOfRoutes(app, deps);
  verifyIntegrityRoutes(app, deps);
  exportRoutes(app, deps);
  projectionStatusRoutes(app, deps);
}
