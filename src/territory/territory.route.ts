import type { FastifyInstance } from 'fastify';
import { findProvince, municipalitiesOf } from '../../domain/shared/territory.js';

/** The municipalities of a province, as the <datalist> the contract form swaps in with htmx. */
export function territoryRoutes(app: FastifyInstance): void {
  app.get('/territorio/comuni', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const id = /^[a-z0-9-]{1,40}$/.test(query.lista ?? '') ? query.lista! : 'comuni';
    const provinceParam = Object.entries(query).find(
      ([key]) => key.endsWith('[province]') || key === 'provincia',
    )?.[1];
    const province = findProvince(provinceParam ?? '');
    return reply.view('partials/municipalities', {
      id,
      names: province ? municipalitiesOf(province.code) : [],
    });
  });
}
