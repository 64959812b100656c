import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { monthLabel } from '../../domain/observatory/months.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { chooseSessionMunicipality } from '../accounts/sessions.js';
import type { ObservatoryDeps } from '../deps.js';
import { queryOf } from '../platform/http/command.js';
import { redirectTarget, safeRedirect } from '../platform/http/forms.js';
import { requireIdentity } from './identity/requestIdentity.js';
import { capacityLabels, observatoryRole } from './observatoryAccess.js';

const dashboardPath = '/osservatorio/comune';
const choiceQuery = z.object({ dopo: redirectTarget });
const choiceForm = z.object({
  comune: z.string().regex(/^\d{6}$/),
  dopo: redirectTarget,
});

/**
 * «Cambia comune»: a person who files for several municipalities (its own, by authorisation or
 * by delegation) picks the one it acts for; the session keeps the choice until the next one.
 */
export function municipalityChoiceRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const identified = { preHandler: requireIdentity() };

  function mandatesOfRequest(request: FastifyRequest) {
    const role = observatoryRole(request);
    if (role?.kind !== 'officer') {
      throw new DomainError(
        'Forbidden',
        'forbidden',
        'La tua identità digitale non è associata a un comune.',
      );
    }
    return role.mandates;
  }

  app.get('/comuni', identified, async (request, reply) => {
    const mandates = mandatesOfRequest(request);
    return reply.view('observatory/municipalityChoice', {
      title: 'Scegli il comune',
      after: safeRedirect(queryOf(choiceQuery, request).dopo, dashboardPath),
      choices: mandates.map((mandate) => ({
        ...mandate,
        municipality: municipalityByIstat(mandate.istatCode),
        capacity: capacityLabels[mandate.mandate],
        period:
          mandate.fromMonth && mandate.toMonth
            ? `mesi da ${monthLabel(mandate.fromMonth)} a ${monthLabel(mandate.toMonth)}`
            : null,
        current: mandate.istatCode === request.sessionMunicipality,
      })),
    });
  });

  app.post('/comuni', identified, async (request, reply) => {
    const parsed = choiceForm.safeParse(request.body);
    const mandates = mandatesOfRequest(request);
    const mandate = parsed.success
      ? mandates.find((candidate) => candidate.istatCode === parsed.data.comune)
      : undefined;
    if (!parsed.success || !mandate || !request.sessionToken) {
      throw new DomainError(
        'MunicipalityNotYours',
        'forbidden',
        'Puoi operare solo per i comuni a cui sei associato.',
      );
    }
    await chooseSessionMunicipality(deps.database.db, request.sessionToken, mandate.istatCode);
    return reply.redirect(safeRedirect(parsed.data.dopo, dashboardPath), 303);
  });
}
