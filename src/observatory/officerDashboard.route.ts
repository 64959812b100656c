import type { FastifyInstance } from 'fastify';
import { monthOf } from '../../domain/observatory/months.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { flowsOfYear, rate } from '../../projections/observatory/wasteFlows.js';
import type { AppDeps } from '../app.js';
import { fundingLabel, stateBadges, stateLabels, yearSummary } from './monthStatus.js';
import { officerIstat, requireObservatory } from './observatoryAccess.js';

/** The officer's year: months filed, due and late, with the separate-collection rate. */
export function officerDashboardRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/osservatorio/comune',
    { preHandler: requireObservatory(deps, 'officer') },
    async (request, reply) => {
      const istatCode = officerIstat(request);
      const now = deps.clock();
      const current = Number(monthOf(now).slice(0, 4));
      const asked = Number((request.query as { anno?: string }).anno);
      const year = Number.isInteger(asked) && asked >= 2018 && asked <= current ? asked : current;
      const flows = await flowsOfYear(deps.database.db, year, istatCode);
      const months = yearSummary(year, flows, now);
      return reply.view('observatory/dashboard', {
        title: 'Flussi mensili dei rifiuti',
        municipality: municipalityByIstat(istatCode),
        year,
        years: Array.from({ length: 4 }, (_, i) => current - i),
        months,
        yearRate: rate(flows.filter((flow) => flow.versions > 0)),
        stateLabels,
        stateBadges,
        fundingLabel,
      });
    },
  );
}
