import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findProvince, municipalitiesOf } from '../../domain/shared/territory.js';
import { queryOf } from '../platform/http/command.js';
import { line } from '../platform/http/text.js';

/**
 * The select sends its value under its name in the form (companies[0][contracts][1][province]),
 * a plain link as `provincia`; the list's id comes from the page. Anything else: an empty list.
 */
const municipalitiesQuery = z.preprocess(
  (query) =>
    Object.fromEntries(
      Object.entries(query ?? {}).map(([name, value]) => [
        name.endsWith('[province]') ? 'provincia' : name,
        value,
      ]),
    ),
  z.object({
    lista: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .catch('comuni'),
    provincia: line(60).catch(''),
  }),
);

/** The municipalities of a province, as the <datalist> the contract form swaps in with htmx. */
export function territoryRoutes(app: FastifyInstance): void {
  app.get('/territorio/comuni', async (request, reply) => {
    const { lista, provincia } = queryOf(municipalitiesQuery, request);
    const province = findProvince(provincia);
    return reply.view('partials/municipalities', {
      id: lista,
      names: province ? municipalitiesOf(province.code) : [],
    });
  });
}
