import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import {
  flowStreamId,
  monthlyFlowDecider,
  type FlowCommand,
} from '../../domain/observatory/monthlyFlowDecider.js';
import {
  addMonths,
  isYearMonth,
  mayRequestUnlock,
  monthLabel,
  monthOf,
  monthsBetween,
  dueDate,
} from '../../domain/observatory/months.js';
import { isLocked } from '../../domain/observatory/monthlyFlow.js';
import { unlockRule } from '../../domain/observatory/unlockMonthlyFlow.js';
import { collectionMethods } from '../../domain/observatory/reference/collectionMethods.js';
import { eerCodes, formatEer } from '../../domain/observatory/reference/eerCodes.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { treatmentOperations } from '../../domain/observatory/reference/treatmentOperations.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AppDeps } from '../app.js';
import { handleCommand, readState } from '../eventStore/commandHandler.js';
import type { FieldErrors } from '../http/forms.js';
import { isHtmx, seeOther } from '../http/views.js';
import { formValues, readFlowForm, type FlowFormValues } from './flowForm.js';
import { submittedVersion, submittedVersions } from './flowVersions.js';
import { observatoryContext, officerIstat, requireObservatory } from './observatoryAccess.js';

const outcomes: Record<string, string> = {
  bozza: 'Bozza salvata: puoi completarla e inviarla entro la scadenza.',
  inviato: 'Mese inviato con successo.',
  richiesta: 'Richiesta di sblocco inviata: riceverai una e-mail con la decisione.',
};

/** The reference lists the form's selects offer, shared by the page and the added rows. */
export const flowChoices = {
  eer: eerCodes.map((code) => ({
    value: code.code,
    label: `${formatEer(code.code)}${code.hazardous ? '*' : ''} – ${code.description}`,
  })),
  methods: collectionMethods.map((method) => ({ value: method.code, label: method.label })),
  operations: treatmentOperations.map((op) => ({
    value: op.code,
    label: `${op.code} – ${op.description}`,
  })),
};

/** The month's page: fill and file it, see its versions, ask for an unlock. */
export function monthlyFlowRoutes(app: FastifyInstance, deps: AppDeps): void {
  const officers = { preHandler: requireObservatory(deps, 'officer') };

  /** The month of the URL: a real month since 2018 (404 otherwise), not in the future. */
  function monthParam(request: FastifyRequest, options: { future?: boolean } = {}): string {
    const { mese } = request.params as { mese: string };
    if (!isYearMonth(mese) || mese < '2018-01') {
      throw new DomainError('MonthUnknown', 'not-found', 'Mese non trovato.');
    }
    if (!options.future && monthsBetween(mese, monthOf(deps.clock())) < 0) {
      throw new DomainError('MonthUnknown', 'not-found', 'Mese non trovato.');
    }
    return mese;
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors?: FieldErrors; values?: FlowFormValues[]; reason?: string } = {},
  ) {
    const istatCode = officerIstat(request);
    const month = monthParam(request);
    const { state } = await readState(
      deps.eventStore,
      monthlyFlowDecider,
      flowStreamId(istatCode, month),
    );
    const versions = await submittedVersions(deps.eventStore, istatCode, month);
    const values = form.values ?? formValues(state.rows);
    const { esito } = request.query as { esito?: string };
    return reply.code(form.errors ? 422 : 200).view('observatory/month', {
      title: `Flussi di ${monthLabel(month)}`,
      municipality: municipalityByIstat(istatCode),
      month,
      monthLabel: monthLabel(month),
      dueDate: dueDate(month),
      state,
      locked: isLocked(state),
      ended: monthsBetween(month, monthOf(deps.clock())) >= 1,
      unlockAllowed: mayRequestUnlock(month, deps.clock()),
      unlockRule,
      versions,
      values: values.length > 0 ? [...values, {}] : [{}, {}, {}],
      choices: flowChoices,
      errors: form.errors ?? {},
      reason: form.reason ?? '',
      commandId: randomUUID(),
      notice: esito ? outcomes[esito] : undefined,
    });
  }

  async function decide(request: FastifyRequest, command: FlowCommand, commandId: string) {
    const result = await handleCommand(
      deps.eventStore,
      monthlyFlowDecider,
      flowStreamId(command.istatCode, command.month),
      command,
      observatoryContext(request, deps.clock(), commandId),
    );
    await deps.projections.waitFor(result.position);
  }

  const commandIdOf = (body: Record<string, unknown>) =>
    typeof body.commandId === 'string' && /^[\w-]{8,64}$/.test(body.commandId)
      ? body.commandId
      : randomUUID();

  app.get('/osservatorio/comune/:mese', officers, async (request, reply) => {
    const month = monthParam(request, { future: true });
    if (monthsBetween(month, monthOf(deps.clock())) >= 0) return page(request, reply);
    // A month not begun yet: say when it opens and when it is due, rather than a bare 404.
    return reply.view('observatory/futureMonth', {
      title: `Flussi di ${monthLabel(month)}`,
      municipality: municipalityByIstat(officerIstat(request)),
      monthLabel: monthLabel(month),
      opensOn: `${month}-01`,
      submitFrom: `${addMonths(month, 1)}-01`,
      dueDate: dueDate(month),
      year: month.slice(0, 4),
    });
  });

  app.post('/osservatorio/comune/:mese', officers, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = readFlowForm(body);
    if (!form.ok) return page(request, reply, { errors: form.errors, values: form.values });
    const submit = body.azione === 'invia';
    const base = {
      istatCode: officerIstat(request),
      month: monthParam(request),
      officerId: `cf:${request.identity!.fiscalCode}`,
      rows: form.rows,
      now: deps.clock(),
    };
    try {
      await decide(
        request,
        submit ? { type: 'SubmitMonthlyFlow', ...base } : { type: 'SaveFlowDraft', ...base },
        commandIdOf(body),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, {
        errors: { [error.field]: error.message },
        values: form.values,
      });
    }
    return seeOther(
      request,
      reply,
      `/osservatorio/comune/${base.month}?esito=${submit ? 'inviato' : 'bozza'}`,
    );
  });

  app.post('/osservatorio/comune/:mese/sblocco', officers, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const reason = typeof body.motivo === 'string' ? body.motivo : '';
    const month = monthParam(request);
    try {
      await decide(
        request,
        {
          type: 'RequestFlowUnlock',
          istatCode: officerIstat(request),
          month,
          officerId: `cf:${request.identity!.fiscalCode}`,
          reason,
          now: deps.clock(),
        },
        commandIdOf(body),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, { errors: { [error.field]: error.message }, reason });
    }
    return seeOther(request, reply, `/osservatorio/comune/${month}?esito=richiesta`);
  });

  /** htmx "Aggiungi riga": one more empty row. */
  app.get('/osservatorio/comune/:mese/riga', officers, async (request, reply) => {
    const index = Number((request.query as { indice?: string }).indice);
    if (!Number.isInteger(index) || index < 0 || index > 200)
      throw new DomainError('RowUnknown', 'not-found', 'Riga non valida.');
    if (!isHtmx(request))
      return seeOther(request, reply, `/osservatorio/comune/${monthParam(request)}`);
    return reply.view('observatory/_flowRow', {
      index,
      row: {},
      errors: {},
      choices: flowChoices,
      month: monthParam(request),
      swapAddRow: true,
    });
  });

  app.get('/osservatorio/comune/:mese/versioni/:versione', officers, async (request, reply) => {
    const istatCode = officerIstat(request);
    const month = monthParam(request);
    const { versione } = request.params as { versione: string };
    const version = await submittedVersion(deps.eventStore, istatCode, month, versione);
    return reply.view('observatory/version', {
      title: `Flussi di ${monthLabel(month)}, versione ${version.version}`,
      municipality: municipalityByIstat(istatCode),
      month,
      monthLabel: monthLabel(month),
      version,
      choices: flowChoices,
    });
  });
}
