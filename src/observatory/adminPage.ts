import type { FastifyReply, FastifyRequest } from 'fastify';
import { monthLabel, romeDay } from '../../domain/observatory/months.js';
import {
  municipalityByIstat,
  pugliaMunicipalities,
} from '../../domain/observatory/reference/municipalities.js';
import { admins, officers, secondUsers } from '../../projections/observatory/officers.js';
import { pendingUnlocks } from '../../projections/observatory/wasteFlows.js';
import type { ObservatoryDeps } from '../deps.js';
import { noticeOf } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { stateBadges, stateLabels } from './monthStatus.js';
import { firstProvince, yearAndProvince } from './openData.route.js';
import { regionalYear } from './regionalFigures.js';
import { flowRemindersOverview } from '../reminders/upcomingFlowReminders.js';

/** What the page says after a successful POST (…?esito=<key>). */
const outcomes: Record<string, string> = {
  sbloccato: 'Mese sbloccato: il comune è stato avvisato per e-mail.',
  respinto: 'Richiesta respinta: il comune è stato avvisato per e-mail con il motivo.',
  associato: 'Utente associato al comune.',
  chiusa: 'Associazione chiusa: il comune non ha più un utente finché non ne associ uno nuovo.',
  email: 'Indirizzo e-mail dell’utente aggiornato.',
  autorizzato: 'Secondo utente autorizzato: può accedere fino alla scadenza.',
  autorizzazione: 'Autorizzazione del secondo utente chiusa.',
  amministratore: 'Amministratore aggiunto.',
  revocato: 'Ruolo di amministratore revocato.',
};

const municipalityChoices = pugliaMunicipalities.map((m) => ({
  value: m.istatCode,
  label: `${m.name} (${m.province})`,
}));

/** What a refused form of the page is shown with: the errors and the typed values, by field id. */
interface ShownForm {
  readonly errors: FieldErrors;
  readonly values: Record<string, string>;
}

/**
 * The admin's one page: figures, pending unlocks, the grid, the municipalities' users and the
 * admins. Forms posting to it re-render it with their errors (422) and what was typed.
 */
export function adminPage(deps: ObservatoryDeps) {
  const { db } = deps.database;
  return async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    { errors, values }: ShownForm = { errors: {}, values: {} },
  ) {
    const now = deps.clock();
    // One province's grid at a time (the whole region's grid is five times the size); the figures stay the region's.
    const filters = yearAndProvince(request, now, firstProvince);
    const adminRows = await admins(db);
    const officerRows = await officers(db);
    return reply.view('observatory/admin', {
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
        // A person may be the user of several municipalities: the page says which.
        alsoFor: officerRows
          .filter((other) => other.fiscal_code === row.fiscal_code && other !== row)
          .map((other) => municipalityByIstat(other.istat_code)?.name ?? other.istat_code),
      })),
      secondUsers: (await secondUsers(db)).map((row) => ({
        ...row,
        municipality: municipalityByIstat(row.istat_code),
        expired: (row.expires_on ?? '') < romeDay(now),
      })),
      admins: adminRows.map((row) => ({ ...row, lastOne: adminRows.length === 1 })),
      reminders: await flowRemindersOverview(db, now),
      me: request.identity?.fiscalCode,
      municipalities: municipalityChoices,
      stateLabels,
      stateBadges,
      errors,
      values,
      notice: noticeOf(request, outcomes),
    });
  };
}

/**
 * One form's errors and typed values under the ids the page gives its fields (several forms have
 * a `motivo`, one per row). `ids` maps each field, or the decider's name for it, to its id;
 * an error of a field without an id keeps its name.
 */
export function onPage(
  ids: Readonly<Record<string, string>>,
  errors: FieldErrors,
  values: Record<string, unknown>,
): ShownForm {
  const idOf = (field: string) => (Object.hasOwn(ids, field) ? ids[field] : undefined);
  const shown = { errors: {} as FieldErrors, values: {} as Record<string, string> };
  for (const [field, message] of Object.entries(errors))
    shown.errors[idOf(field) ?? field] = message;
  for (const [field, value] of Object.entries(values)) {
    const id = idOf(field);
    if (id && typeof value === 'string') shown.values[id] = value;
  }
  return shown;
}
