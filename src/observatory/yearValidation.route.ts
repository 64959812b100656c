import type { FastifyInstance, FastifyRequest } from 'fastify';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import type { ObservatoryDeps } from '../deps.js';
import { paramsOf, queryOf, submitForm } from '../platform/http/command.js';
import { onPage } from './adminPage.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';
import { sendMunicipalityYearBack, validateMunicipalityYear } from './yearDecisions.js';
import {
  sendYearBackSchema,
  validateYearSchema,
  yearPageQuery,
  yearParams,
} from './yearValidation.schema.js';
import { chosenYear, yearValidationPage } from './yearValidationPage.js';

/**
 * «Validazione annuale»: the admin validates each municipality's closed year, or sends it back
 * with remarks naming the months to correct (unlocked at once, whatever the 4-month window).
 */
export function yearValidationRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };
  const page = yearValidationPage(deps);

  app.get('/admin/validazione', adminsOnly, async (request, reply) => {
    const { anno } = queryOf(yearPageQuery, request);
    return page(request, reply, chosenYear(request, deps.clock(), anno));
  });

  /** The municipality and year of the URL, the page to go back to, and who decides. */
  const decision = (request: FastifyRequest) => {
    const { istat: istatCode, anno: year } = paramsOf(yearParams, request);
    const back = { year, province: municipalityByIstat(istatCode)!.province };
    const done = (outcome: string) =>
      `/osservatorio/admin/validazione?anno=${year}&provincia=${back.province}&esito=${outcome}#comune-${istatCode}`;
    const who = { istatCode, year, adminId: `cf:${request.identity!.fiscalCode}` };
    return { who, back, done };
  };

  app.post('/admin/validazione/:istat/:anno/valida', adminsOnly, async (request, reply) => {
    const { who, back, done } = decision(request);
    return submitForm(request, reply, deps.projections, {
      schema: validateYearSchema,
      run: async (form) => {
        const context = observatoryContext(request, deps.clock(), form.commandId);
        const position = await validateMunicipalityYear(deps.eventStore, who, context);
        return { position, redirect: done('validato') };
      },
      invalid: (errors, values) =>
        page(request, reply, back, onPage({ anno: `valida-${who.istatCode}` }, errors, values)),
    });
  });

  app.post('/admin/validazione/:istat/:anno/rinvia', adminsOnly, async (request, reply) => {
    const { who, back, done } = decision(request);
    const key = who.istatCode;
    const ids = { anno: `rinvia-${key}`, osservazioni: `osservazioni-${key}`, mesi: `mesi-${key}` };
    return submitForm(request, reply, deps.projections, {
      schema: sendYearBackSchema,
      run: async (form) => {
        const context = observatoryContext(request, deps.clock(), form.commandId);
        const store = { store: deps.eventStore, logger: request.log };
        const command = { ...who, months: form.mesi, remarks: form.osservazioni };
        const position = await sendMunicipalityYearBack(store, command, context);
        return { position, redirect: done('rinviato') };
      },
      invalid: (errors, values) =>
        page(request, reply, back, {
          ...onPage(ids, errors, values),
          ticked: { [key]: sendYearBackSchema.shape.mesi.parse(values.mesi) },
        }),
    });
  });
}
