import type { FastifyInstance } from 'fastify';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { flowsOfYear, rate } from '../../projections/observatory/wasteFlows.js';
import type { ObservatoryDeps } from '../deps.js';
import { fundingLabel, stateBadges, stateLabels, yearSummary } from './monthStatus.js';
import { officerIstat, requireObservatory } from './observatoryAccess.js';
import { yearAndProvince } from './openData.route.js';

/** The officer's year: months filed, due and late, with the separate-collection rate. */
export function officerDashboardRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  app.get(
    '/comune',
    { preHandler: requireObservatory(deps, 'officer') },
    async (request, reply) => {
      const istatCode = officerIstat(request);
      const now = deps.clock();
      const { year, years } = yearAndProvince(request, now);
      const flows = await flowsOfYear(deps.database.db, year, istatCode);
      const months = yearSummary(year, flows, now);
      return reply.view('observatory/dashboard', {
        title: 'Flussi mensili dei rifiuti',
        municipality: municipalityByIstat(istatCode),
        year,
        years,
        months,
        yearRate: rate(flows.filter((flow) => flow.versions > 0)),
        stateLabels,
        stateBadges,
        fundingLabel,
      });
    },
  );
}
