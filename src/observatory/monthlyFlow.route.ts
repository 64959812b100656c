import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  flowStream,
  monthlyFlowDecider,
  type FlowCommand,
} from '../../domain/observatory/monthlyFlowDecider.js';
import {
  addMonths,
  isYearMonth,
  lastUnlockDay,
  monthLabel,
  monthOf,
  monthsBetween,
  dueDate,
} from '../../domain/observatory/months.js';
import { isLocked } from '../../domain/observatory/monthlyFlow.js';
import {
  unlockRefusal,
  unlockRule,
  validatedYearRefusal,
} from '../../domain/observatory/unlockMonthlyFlow.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { monthlyFlowOf } from '../../projections/observatory/wasteFlowQueries.js';
import type { ObservatoryDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { noticeOf, paramsOf, queryOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import {
  flowChoices,
  flowFormSchema,
  formValues,
  typedRows,
  unlockRequestSchema,
  type FlowFormValues,
} from './flowForm.js';
import { submittedVersion, versionNumber } from './flowVersions.js';
import {
  observatoryContext,
  officerIstat,
  officerMandate,
  requireMonthMandate,
  requireMunicipalityUser,
  requireObservatory,
} from './observatoryAccess.js';
import { isYearOfMonthValidated } from './yearDecisions.js';

const outcomes: Record<string, string> = {
  bozza: 'Bozza salvata: puoi completarla e inviarla entro la scadenza.',
  inviato: 'Mese inviato con successo.',
  richiesta: 'Richiesta di sblocco inviata: riceverai una e-mail con la decisione.',
  importato:
    'File importato e salvato come bozza: controlla le righe qui sotto, poi premi «Invia il mese».',
};

/** What the month's page shows besides the month: a form's errors and values, a file refused. */
export interface MonthPageForm {
  readonly errors?: FieldErrors;
  readonly values?: FlowFormValues[];
  readonly reason?: string;
  /** A file import refused (flowImport/): every problem found, by row and column. */
  readonly fileErrors?: readonly string[];
}

/** The month's page and the month of its URL, for the routes of the month registered elsewhere. */
export interface MonthPage {
  page(request: FastifyRequest, reply: FastifyReply, form?: MonthPageForm): Promise<FastifyReply>;
  monthParam(request: FastifyRequest): string;
}

const monthParams = z.object({ mese: z.string().refine((m) => isYearMonth(m) && m >= '2018-01') });
const versionParams = monthParams.extend({ versione: versionNumber });
const rowQuery = z.object({ indice: z.coerce.number().int().min(0).max(200) });

/** The month's page: fill and file it, see its versions, ask for an unlock. */
export function monthlyFlowRoutes(app: FastifyInstance, deps: ObservatoryDeps): MonthPage {
  const officers = { preHandler: requireObservatory(deps, 'officer') };
  /** Who files which month, and when: the part every command of the page shares. */
  const filing = (request: FastifyRequest, month: string) => ({
    istatCode: officerIstat(request),
    month,
    officerId: `cf:${request.identity!.fiscalCode}`,
    now: deps.clock(),
  });

  /** The month of the URL: a real month since 2018 (404 otherwise), not in the future. */
  function monthParam(request: FastifyRequest, options: { future?: boolean } = {}): string {
    const { mese } = paramsOf(monthParams, request);
    if (!options.future && monthsBetween(mese, monthOf(deps.clock())) < 0) {
      throw new DomainError('MonthUnknown', 'not-found', 'Mese non trovato.');
    }
    requireMonthMandate(request, mese);
    return mese;
  }

  async function page(request: FastifyRequest, reply: FastifyReply, form: MonthPageForm = {}) {
    const istatCode = officerIstat(request);
    const month = monthParam(request);
    const state = await monthlyFlowOf(deps.database.db, istatCode, month);
    const values = form.values ?? formValues(state.rows);
    const refusal =
      unlockRefusal(month, deps.clock()) ??
      (state.yearValidated ? validatedYearRefusal(month) : null);
    return reply.view('observatory/month', {
      title: `Flussi di ${monthLabel(month)}`,
      municipality: municipalityByIstat(istatCode),
      month,
      monthLabel: monthLabel(month),
      dueDate: dueDate(month),
      state,
      locked: isLocked(state),
      ended: monthsBetween(month, monthOf(deps.clock())) >= 1,
      unlockAllowed: refusal === null,
      // The collector's delegates fill and submit; an unlock is the municipality's to ask.
      mayRequestUnlock: officerMandate(request).mandate !== 'delegato',
      unlockRefusal: refusal,
      lastUnlockDay: lastUnlockDay(month),
      unlockRule,
      versions: state.submittedVersions,
      regionReturn: state.regionReturn,
      values: values.length > 0 ? [...values, {}] : [{}, {}, {}],
      choices: flowChoices,
      errors: form.errors ?? {},
      reason: form.reason ?? '',
      fileErrors: form.fileErrors ?? [],
      commandId: randomUUID(),
      notice: noticeOf(request, outcomes),
    });
  }

  /** The command on the month's stream; its id comes from the page, so a double post counts once. */
  async function record(request: FastifyRequest, command: FlowCommand, commandId: string) {
    const result = await handleCommand(
      deps.eventStore,
      monthlyFlowDecider,
      flowStream.id(command.istatCode, command.month),
      command,
      observatoryContext(request, deps.clock(), commandId),
    );
    return result.position;
  }

  app.get('/comune/:mese', officers, async (request, reply) => {
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

  app.post('/comune/:mese', officers, async (request, reply) => {
    const month = monthParam(request);
    return submitForm(request, reply, deps.projections, {
      schema: flowFormSchema,
      run: async (form) => {
        const submit = form.azione === 'invia';
        const type = submit ? ('SubmitMonthlyFlow' as const) : ('SaveFlowDraft' as const);
        const command = { type, ...filing(request, month), rows: form.righe };
        const position = await record(request, command, form.commandId);
        const outcome = submit ? 'inviato' : 'bozza';
        return { position, redirect: `/osservatorio/comune/${month}?esito=${outcome}` };
      },
      invalid: (errors, values) =>
        page(request, reply, { errors, values: typedRows(values.righe) }),
    });
  });

  app.post('/comune/:mese/sblocco', officers, async (request, reply) => {
    const month = monthParam(request);
    return submitForm(request, reply, deps.projections, {
      schema: unlockRequestSchema,
      run: async (form) => {
        requireMunicipalityUser(request);
        const command = {
          type: 'RequestFlowUnlock' as const,
          ...filing(request, month),
          reason: form.motivo,
          yearValidated: await isYearOfMonthValidated(
            deps.eventStore,
            officerIstat(request),
            month,
          ),
        };
        const position = await record(request, command, form.commandId);
        return { position, redirect: `/osservatorio/comune/${month}?esito=richiesta` };
      },
      invalid: (errors, values) =>
        page(request, reply, {
          errors,
          reason: typeof values.motivo === 'string' ? values.motivo : '',
        }),
    });
  });

  /** htmx "Aggiungi riga": one more empty row. */
  app.get('/comune/:mese/riga', officers, async (request, reply) => {
    const month = monthParam(request);
    const { indice: index } = queryOf(rowQuery, request);
    if (!isHtmx(request)) return seeOther(request, reply, `/osservatorio/comune/${month}`);
    return reply.view('observatory/_flowRow', {
      index,
      row: {},
      errors: {},
      choices: flowChoices,
      month,
      swapAddRow: true,
    });
  });

  app.get('/comune/:mese/versioni/:versione', officers, async (request, reply) => {
    const istatCode = officerIstat(request);
    const month = monthParam(request);
    const { versione } = paramsOf(versionParams, request);
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

  return { page, monthParam };
}
