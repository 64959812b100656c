import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import { flowStreamId, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { isYearMonth, monthLabel } from '../../domain/observatory/months.js';
import {
  municipalityStreamId,
  officerDecider,
} from '../../domain/observatory/municipalityOfficer.js';
import {
  observatoryAdminsDecider,
  observatoryAdminsStreamId,
} from '../../domain/observatory/observatoryAdmins.js';
import {
  municipalityByIstat,
  pugliaMunicipalities,
} from '../../domain/observatory/reference/municipalities.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { admins, officerElsewhere, officers } from '../../projections/observatory/officers.js';
import { pendingUnlocks } from '../../projections/observatory/wasteFlows.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import type { FieldErrors } from '../http/forms.js';
import { seeOther } from '../http/views.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';
import { stateBadges, stateLabels } from './monthStatus.js';
import { yearAndProvince } from './openData.route.js';
import { flowsCsv, regionalYear } from './regionalFigures.js';

const decisionParams = z.object({
  istat: z.string().regex(/^\d{6}$/),
  mese: z.string().refine(isYearMonth),
});
const outcomes: Record<string, string> = {
  sbloccato: 'Mese sbloccato: il comune è stato avvisato per e-mail.',
  respinto: 'Richiesta respinta: il comune è stato avvisato per e-mail con il motivo.',
  associato: 'Utente associato al comune.',
  amministratore: 'Amministratore aggiunto.',
};

/** The observatory's admin: who filed, pending unlocks, associations, admins, export. */
export function observatoryAdminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
  ) {
    const now = deps.clock();
    const filters = yearAndProvince(request, now);
    const { esito } = request.query as { esito?: string };
    const officerRows = await officers(db);
    return reply.code(Object.keys(errors).length ? 422 : 200).view('observatory/admin', {
      title: 'Amministrazione Osservatorio Rifiuti',
      ...filters,
      ...(await regionalYear(db, filters.year, now, filters.province)),
      pending: (await pendingUnlocks(db)).map((flow) => ({
        ...flow,
        municipality: municipalityByIstat(flow.istatCode),
        monthLabel: monthLabel(flow.month),
      })),
      officers: officerRows.map((row) => ({
        ...row,
        municipality: municipalityByIstat(row.istat_code),
      })),
      admins: await admins(db),
      municipalities: pugliaMunicipalities.map((m) => ({
        value: m.istatCode,
        label: `${m.name} (${m.province})`,
      })),
      stateLabels,
      stateBadges,
      errors,
      values,
      notice: esito ? outcomes[esito] : undefined,
    });
  }

  app.get('/osservatorio/admin', adminsOnly, async (request, reply) => page(request, reply));

  async function decide(request: FastifyRequest, reply: FastifyReply, outcome: string) {
    const params = decisionParams.safeParse(request.params);
    if (!params.success) throw new DomainError('FlowUnknown', 'not-found', 'Mese non trovato.');
    const { istat: istatCode, mese: month } = params.data;
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const adminId = `cf:${request.identity!.fiscalCode}`;
    const command =
      outcome === 'sbloccato'
        ? {
            type: 'UnlockMonthlyFlow' as const,
            istatCode,
            month,
            adminId,
            note: body.nota?.trim() || null,
          }
        : {
            type: 'RejectFlowUnlock' as const,
            istatCode,
            month,
            adminId,
            reason: body.motivo ?? '',
          };
    try {
      const result = await handleCommand(
        deps.eventStore,
        monthlyFlowDecider,
        flowStreamId(istatCode, month),
        command,
        observatoryContext(request, deps.clock(), randomUUID()),
      );
      await deps.projections.waitFor(result.position);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, { [`${error.field}-${istatCode}-${month}`]: error.message });
    }
    return seeOther(request, reply, `/osservatorio/admin?esito=${outcome}`);
  }

  app.post(
    '/osservatorio/admin/sblocchi/:istat/:mese/approva',
    adminsOnly,
    async (request, reply) => decide(request, reply, 'sbloccato'),
  );
  app.post(
    '/osservatorio/admin/sblocchi/:istat/:mese/respingi',
    adminsOnly,
    async (request, reply) => decide(request, reply, 'respinto'),
  );

  app.post('/osservatorio/admin/associazioni', adminsOnly, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const values = {
      comune: body.comune ?? '',
      codiceFiscale: (body.codiceFiscale ?? '').trim().toUpperCase(),
      email: (body.email ?? '').trim(),
    };
    const municipality = municipalityByIstat(values.comune);
    if (!municipality) return page(request, reply, { comune: 'Scegliere il comune.' }, values);
    if (!isValidCodiceFiscale(values.codiceFiscale))
      return page(request, reply, { codiceFiscale: 'Codice fiscale non valido.' }, values);
    try {
      const result = await handleCommand(
        deps.eventStore,
        officerDecider,
        municipalityStreamId(municipality.istatCode),
        {
          type: 'AssignOfficer',
          istatCode: municipality.istatCode,
          fiscalCode: values.codiceFiscale,
          email: values.email,
          adminId: `cf:${request.identity!.fiscalCode}`,
          institutionalDomains: deps.config.OBSERVATORY_EMAIL_DOMAINS,
          officerElsewhere: await officerElsewhere(
            db,
            values.codiceFiscale,
            municipality.istatCode,
          ),
        },
        observatoryContext(request, deps.clock(), randomUUID()),
      );
      await deps.projections.waitFor(result.position);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, { [error.field]: error.message }, values);
    }
    return seeOther(request, reply, '/osservatorio/admin?esito=associato#associazioni');
  });

  app.post('/osservatorio/admin/amministratori', adminsOnly, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const fiscalCode = (body.amministratore ?? '').trim().toUpperCase();
    if (!isValidCodiceFiscale(fiscalCode))
      return page(
        request,
        reply,
        { amministratore: 'Codice fiscale non valido.' },
        { amministratore: fiscalCode },
      );
    try {
      const result = await handleCommand(
        deps.eventStore,
        observatoryAdminsDecider,
        observatoryAdminsStreamId,
        { type: 'GrantObservatoryAdmin', fiscalCode, by: `cf:${request.identity!.fiscalCode}` },
        observatoryContext(request, deps.clock(), randomUUID()),
      );
      await deps.projections.waitFor(result.position);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(
        request,
        reply,
        { amministratore: error.message },
        { amministratore: fiscalCode },
      );
    }
    return seeOther(request, reply, '/osservatorio/admin?esito=amministratore#amministratori');
  });

  app.get('/osservatorio/admin/flussi.csv', adminsOnly, async (request, reply) => {
    const now = deps.clock();
    const { year, province } = yearAndProvince(request, now);
    const { rows } = await regionalYear(db, year, now, province);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="flussi-${year}${province ? `-${province}` : ''}.csv"`,
      )
      .send(flowsCsv(rows));
  });
}
