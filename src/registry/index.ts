import type { FastifyInstance } from 'fastify';
import type { AreaDeps } from '../deps.js';
import { withUploads } from '../platform/http/uploads.js';
import { registryRoutes } from './registry.route.js';

/** Registry: the utility's customer register, imported from its CSV or Excel export. */
export async function registryArea(app: FastifyInstance, deps: AreaDeps): Promise<void> {
  // The registry's page is /operatori/anagrafica.
  await app.register(
    async (area) => {
      await withUploads(area, (uploads) => registryRoutes(uploads, deps));
    },
    { prefix: '/operatori/anagrafica' },
  );
}
