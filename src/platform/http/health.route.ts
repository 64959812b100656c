import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { HealthDeps } from '../../deps.js';
import { comparePositions, formatPosition } from '../eventStore/globalPosition.js';

/** /healthz: the process answers. /readyz: the database answers and no projection is stuck. */
export function healthRoutes(
  app: FastifyInstance,
  deps: Pick<HealthDeps, 'database' | 'eventStore' | 'projections'>,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const database = await sql`select 1`
      .execute(deps.database.db)
      .then(() => 'ok' as const)
      .catch(() => 'unreachable' as const);
    const head = database === 'ok' ? await deps.eventStore.headPosition().catch(() => null) : null;
    const projections = deps.projections.status().map((status) => ({
      name: status.name,
      state: status.state,
      checkpoint: formatPosition(status.checkpoint),
      behind: head !== null && comparePositions(status.checkpoint, head) < 0,
      failure: status.failure,
    }));
    const stalled = projections.some(
      (projection) =>
        projection.state === 'failed' || (projection.behind && projection.state !== 'running'),
    );
    const ready = database === 'ok' && !stalled;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not-ready',
      database,
      // Of several processes, whether this one applies the projections (leadership.ts).
      applies: deps.projections.applies,
      projections,
    });
  });
}
