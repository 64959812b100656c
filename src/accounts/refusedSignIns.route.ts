import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { latestRefusals, refusalsShown } from '../../projections/accounts/refusedSignIns.js';
import type { AccountsDeps } from '../deps.js';
import { queryOf } from '../platform/http/command.js';
import { line } from '../platform/http/text.js';
import { requireRole } from './auth.js';

/** A bad filter shows every refusal rather than an error: it only narrows a list. */
const filtersQuery = z.object({
  utente: line(120).catch(''),
  indirizzo: line(64).catch(''),
});

const outcomeLabels = {
  'wrong-password': 'Password errata',
  'unknown-username': 'Nome utente inesistente',
  'throttled-account': 'Bloccato: troppi errori sul nome utente',
  'throttled-address': 'Bloccato: troppi nomi utente dallo stesso indirizzo',
} as const;

/** «Accessi rifiutati»: the refused logins, with the address each came from (OWASP ASVS V7). */
export function refusedSignInRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  app.get(
    '/operatori/accessi',
    { preHandler: requireRole('operator', 'admin') },
    async (request, reply) => {
      const { utente, indirizzo } = queryOf(filtersQuery, request);
      const refusals = await latestRefusals(deps.database.db, {
        username: utente || undefined,
        clientIp: indirizzo || undefined,
      });
      return reply.view('accounts/refusedSignIns', {
        title: 'Accessi rifiutati',
        refusals,
        shown: refusalsShown,
        outcomeLabels,
        filters: { utente, indirizzo },
      });
    },
  );
}
