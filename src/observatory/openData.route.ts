import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { monthOf } from '../../domain/observatory/months.js';
import type { ObservatoryDeps } from '../deps.js';
import { paramsOf, queryOf } from '../platform/http/command.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { stateBadges, stateLabels } from './monthStatus.js';
import { flowsCsv, regionalYear } from './regionalFigures.js';
import {
  detailCsv,
  detailJson,
  detailLines,
  detailSchema,
  openDataLicence,
} from './openDataDetail.js';

const provinces = ['BA', 'BT', 'BR', 'FG', 'LE', 'TA'] as const;
/** The filter's value for the whole region. */
export const allProvinces = 'tutte';
/** The province the pages listing municipalities show until another is chosen. */
export const firstProvince = provinces[0];

const detailParams = z.object({ formato: z.enum(['csv', 'json']) });

// A filter the page does not know is ignored: the page shows its default instead.
const filtersQuery = z.object({
  anno: z.coerce.number().int().optional().catch(undefined),
  provincia: z
    .enum([...provinces, allProvinces])
    .optional()
    .catch(undefined),
});

/**
 * The year and province asked for, within what exists. `province` is the filter (undefined for
 * the whole region); `provinceChoice` is what the select shows, `tutte` for the whole region.
 */
export function yearAndProvince(request: FastifyRequest, now: Date, fallback?: string) {
  const { anno, provincia } = queryOf(filtersQuery, request);
  const current = Number(monthOf(now).slice(0, 4));
  const province =
    provincia === allProvinces ? undefined : (provincia ?? provinces.find((p) => p === fallback));
  return {
    year: anno !== undefined && anno >= 2018 && anno <= current ? anno : current,
    province,
    provinceChoice: province ?? allProvinces,
    years: Array.from({ length: 4 }, (_, i) => current - i),
    provinces,
  };
}

/** Public open data: the figures as the municipalities entered them, not validated by the Region. */
export function openDataRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  app.get('/dati-aperti', async (request, reply) => {
    const now = deps.clock();
    // One province by default: the whole region is one choice away ("Tutte le province").
    const filters = yearAndProvince(request, now, firstProvince);
    const figures = await regionalYear(deps.database.db, filters.year, now, filters.province);
    return reply.view('observatory/openData', {
      title: 'Dati aperti: rifiuti urbani per comune',
      ...filters,
      ...figures,
      stateLabels,
      stateBadges,
      detailSchema,
      licence: openDataLicence,
    });
  });

  // The detail by municipality, month and EER code, in CSV and JSON (schema on the page).
  app.get('/dati-aperti/dettaglio.:formato', async (request, reply) => {
    const { formato } = paramsOf(detailParams, request);
    const now = deps.clock();
    const { year, province } = yearAndProvince(request, now);
    const lines = await detailLines(deps.database.db, year, province);
    const name = `rifiuti-urbani-dettaglio-${year}${province ? `-${province}` : ''}.${formato}`;
    reply.header('Content-Disposition', contentDisposition('attachment', name));
    if (formato === 'csv') return reply.type('text/csv; charset=utf-8').send(detailCsv(lines));
    return reply.type('application/json; charset=utf-8').send(
      detailJson(lines, {
        anno: year,
        provincia: province ?? null,
        generatoIl: now.toISOString(),
      }),
    );
  });

  app.get('/dati-aperti/flussi.csv', async (request, reply) => {
    const now = deps.clock();
    const { year, province } = yearAndProvince(request, now);
    const { rows } = await regionalYear(deps.database.db, year, now, province);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        contentDisposition(
          'attachment',
          `rifiuti-urbani-${year}${province ? `-${province}` : ''}.csv`,
        ),
      )
      .send(flowsCsv(rows));
  });
}
