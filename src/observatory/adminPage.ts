import type { FastifyReply, FastifyRequest } from 'fastify';
import { monthLabel } from '../../domain/observatory/months.js';
import {
  municipalityByIstat,
  pugliaMunicipalities,
} from '../../domain/observatory/reference/municipalities.js';
import { admins, officers } from '../../projections/observatory/officers.js';
import { pendingUnlocks } from '../../projections/observatory/wasteFlows.js';
import type { AppDeps } from '../app.js';
import type { FieldErrors } from '../http/forms.js';
import { stateBadges, stateLabels } from './monthStatus.js';
import { firstProvince, yearAndProvince } from './openData.route.js';
import { regionalYear } from './regionalFigures.js';

/** What the page says after a successful POST (…?esito=<key>). */
const outcomes: Record<string, string> = {
  sbloccato: 'Mese sbloccato: il comune è stato avvisato per e-mail.',
  respinto: 'Richiesta respinta: il comune è stato avvisato per e-mail con il motivo.',
  associato: 'Utente associato al comune.',
  chiusa: 'Associazione chiusa: il comune non ha più un utente finché non ne associ uno nuovo.',
  email: 'Indirizzo e-mail dell’utente aggiornato.',
  amministratore: 'Amministratore aggiunto.',
  revocato: 'Ruolo di amministratore revocato.',
};

const municipalityChoices = pugliaMunicipalities.map((m) => ({
  value: m.istatCode,
  label: `${m.name} (${m.province})`,
}));

/**
 * The admin's one page: figures, pending unlocks, the grid, the municipalities' users and the
 * admins. Forms posting to it re-render it with their errors (422) and what was typed.
 */
export function adminPage(deps: AppDeps) {
  const { db } = deps.database;
  return async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
  ) {
    const now = deps.clock();
    // One province's grid at a time (the whole region's grid is five times the size); the figures stay the region's.
    const filters = yearAndProvince(request, now, firstProvince);
    const { esito } = request.query as { esito?: string };
    const adminRows = await admins(db);
    return reply.code(Object.keys(errors).length ? 422 : 200).view('observatory/admin', {
      title: 'Amministrazione Osservatorio Rifiuti',
      ...filters,
      ...(await regionalYear(db, filters.year, now, filters.province)),
      pending: (await pendingUnlocks(db)).map((flow) => ({
        ...flow,
        municipality: municipalityByIstat(flow.istatCode),
        monthLabel: monthLabel(flow.month),
      })),
      officers: (await officers(db)).map((row) => ({
        ...row,
        municipality: municipalityByIstat(row.istat_code),
      })),
      admins: adminRows.map((row) => ({ ...row, lastOne: adminRows.length === 1 })),
      me: request.identity?.fiscalCode,
      municipalities: municipalityChoices,
      stateLabels,
      stateBadges,
      errors,
      values,
      notice: esito ? outcomes[esito] : undefined,
    });
  };
}

export type AdminPage = ReturnType<typeof adminPage>;
