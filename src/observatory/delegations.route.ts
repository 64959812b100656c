import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isEmailAddress } from '../../domain/shared/email.js';
import type { OfficerCommand } from '../../domain/observatory/municipalityOfficer.js';
import { isYearMonth, monthLabel, monthOf, romeDay } from '../../domain/observatory/months.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { mandatesFor } from '../../projections/observatory/officers.js';
import type { ObservatoryDeps } from '../deps.js';
import { municipalityCommand } from './municipalityCommand.js';
import { noticeOf, paramsOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { line } from '../platform/http/text.js';
import { fiscalCode, reason } from './adminForms.schema.js';
import {
  observatoryContext,
  requireMunicipalityUser,
  requireObservatory,
} from './observatoryAccess.js';

const month = line(7)
  .default('')
  .refine((value) => isYearMonth(value), 'Indicare il mese nel formato AAAA-MM.');
const delegationForm = z.object({
  codiceFiscale: fiscalCode,
  email: line(254).refine(isEmailAddress, 'Indirizzo e-mail non valido.').prefault(''),
  gestore: line(200).default(''),
  dal: month,
  al: month,
});
const revokeForm = z.object({ motivo: reason });
const delegationParams = z.object({ delega: z.uuid() });

const outcomes = {
  delegato:
    'Delega registrata: la persona può accedere con SPID o CIE e compilare i mesi del periodo.',
  revocata: 'Delega revocata: la persona non può più operare per il comune.',
};
const pagePath = '/osservatorio/comune/deleghe';

/**
 * «Deleghe»: the municipality's users delegate the monthly filing of a period to named people of
 * their waste collector, see what each filed, and revoke. Delegates cannot reach this page.
 */
export function delegationRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const officers = { preHandler: requireObservatory(deps, 'officer') };

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors?: FieldErrors; values?: Record<string, unknown>; revoking?: string } = {},
  ) {
    const istatCode = requireMunicipalityUser(request);
    const { db } = deps.database;
    const mandates = await mandatesFor(db, istatCode);
    const filed = await db
      .selectFrom('waste_flows')
      .select(['month', 'submitted_by'])
      .where('istat_code', '=', istatCode)
      .where('submitted_by', 'is not', null)
      .orderBy('month')
      .execute();
    const monthsFiledBy = (fiscal: string) =>
      filed
        .filter((row) => row.submitted_by === `cf:${fiscal}`)
        .map((row) => monthLabel(row.month));
    const current = monthOf(deps.clock());
    const values = form.values ?? {};
    return reply.view('observatory/delegations', {
      title: 'Deleghe al gestore della raccolta',
      municipality: municipalityByIstat(istatCode),
      delegations: mandates
        .filter((row) => row.kind === 'delegato')
        .map((row) => ({
          ...row,
          period: `${monthLabel(row.from_month ?? '')} – ${monthLabel(row.to_month ?? '')}`,
          filed: monthsFiledBy(row.fiscal_code),
        })),
      secondUsers: mandates.filter((row) => row.kind === 'autorizzato' && !row.ended_at),
      values: Object.fromEntries(
        Object.entries(values).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
      suggested: { dal: current, al: `${current.slice(0, 4)}-12` },
      errors: form.errors ?? {},
      revoking: form.revoking ?? null,
      notice: noticeOf(request, outcomes),
    });
  }

  const record = (request: FastifyRequest, command: OfficerCommand) =>
    municipalityCommand(
      deps.eventStore,
      command,
      observatoryContext(request, deps.clock(), randomUUID()),
    );

  app.get('/comune/deleghe', officers, (request, reply) => page(request, reply));

  app.post('/comune/deleghe', officers, async (request, reply) => {
    const istatCode = requireMunicipalityUser(request);
    return submitForm(request, reply, deps.projections, {
      schema: delegationForm,
      run: async (form) => {
        const result = await record(request, {
          type: 'DelegateFiling',
          istatCode,
          delegationId: randomUUID(),
          byFiscalCode: request.identity!.fiscalCode,
          fiscalCode: form.codiceFiscale,
          email: form.email,
          collector: form.gestore,
          fromMonth: form.dal,
          toMonth: form.al,
          today: romeDay(deps.clock()),
        });
        return { position: result.position, redirect: `${pagePath}?esito=delegato` };
      },
      invalid: (errors, values) => page(request, reply, { errors, values }),
    });
  });

  app.post('/comune/deleghe/:delega/revoca', officers, async (request, reply) => {
    const istatCode = requireMunicipalityUser(request);
    const { delega } = paramsOf(delegationParams, request);
    return submitForm(request, reply, deps.projections, {
      schema: revokeForm,
      run: async (form) => {
        const result = await record(request, {
          type: 'RevokeFilingDelegation',
          istatCode,
          delegationId: delega,
          byFiscalCode: request.identity!.fiscalCode,
          reason: form.motivo,
          today: romeDay(deps.clock()),
        });
        return { position: result.position, redirect: `${pagePath}?esito=revocata` };
      },
      invalid: (errors, values) => page(request, reply, { errors, values, revoking: delega }),
    });
  });
}
