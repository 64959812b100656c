import type { FastifyInstance } from 'fastify';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { flowsOfYear, rate } from '../../projections/observatory/wasteFlows.js';
import { yearValidationOf } from '../../projections/observatory/yearValidations.js';
import { monthList } from '../../domain/observatory/yearValidation.js';
import type { ObservatoryDeps } from '../deps.js';
import { fundingLabel, stateBadges, stateLabels, yearSummary } from './monthStatus.js';
import {
  observatoryContext,
  officerMandate,
  requireMunicipalityUser,
  requireObservatory,
} from './observatoryAccess.js';
import { randomUUID } from 'node:crypto';
import { municipalitySubject as subject } from '../../domain/reminders/reminderEvents.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { remindersStopped } from '../../projections/reminders/reminders.js';
import { noticeOf, submitForm } from '../platform/http/command.js';
import { chooseReminders } from '../reminders/reminderChoices.js';
import { reminderChoiceForm } from '../reminders/reminders.schema.js';
import { yearAndProvince } from './openData.route.js';

const outcomes = { promemoria: 'Scelta sui promemoria salvata.' };

/**
 * The officer's year: months filed, due and late, with the separate-collection rate; and the
 * choice of the optional reminders, which are the municipality's.
 */
export function officerDashboardRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  app.get(
    '/comune',
    { preHandler: requireObservatory(deps, 'officer') },
    async (request, reply) => {
      const mandate = officerMandate(request);
      const istatCode = mandate.istatCode;
      const now = deps.clock();
      const { year, years } = yearAndProvince(request, now);
      const flows = await flowsOfYear(deps.database.db, year, istatCode);
      const months = yearSummary(year, flows, now);
      const validation = await yearValidationOf(deps.database.db, istatCode, year);
      return reply.view('observatory/dashboard', {
        title: 'Flussi mensili dei rifiuti',
        municipality: municipalityByIstat(istatCode),
        year,
        years,
        // A delegate reaches the months of its period only, and not the municipality's settings.
        months: months.map((month) => ({
          ...month,
          open:
            mandate.mandate !== 'delegato' ||
            (month.month >= (mandate.fromMonth ?? '') && month.month <= (mandate.toMonth ?? '')),
        })),
        delegate: mandate.mandate === 'delegato',
        yearRate: rate(flows.filter((flow) => flow.versions > 0)),
        validation,
        returnedMonths: validation ? monthList(validation.returnedMonths) : '',
        stateLabels,
        stateBadges,
        fundingLabel,
        reminders: { stopped: await remindersStopped(deps.database.db, subject(istatCode)) },
        notice: noticeOf(request, outcomes),
      });
    },
  );

  app.post(
    '/comune/promemoria',
    { preHandler: requireObservatory(deps, 'officer') },
    (request, reply) =>
      submitForm(request, reply, deps.projections, {
        schema: reminderChoiceForm,
        run: async (form) => {
          const result = await chooseReminders(
            deps.eventStore,
            {
              subject: subject(requireMunicipalityUser(request)),
              stop: form.promemoria === 'disattivati',
              via: 'profile',
            },
            observatoryContext(request, deps.clock(), randomUUID()),
          );
          return {
            position: result.position,
            redirect: '/osservatorio/comune?esito=promemoria#promemoria',
          };
        },
        invalid: (errors) => {
          throw new DomainError('ValidationFailed', 'validation', Object.values(errors).join(' '));
        },
      }),
  );
}
