import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isEmailAddress } from '../../domain/shared/email.js';
import { isTenDigitCode } from '../../domain/shared/italianIdentifiers.js';
import { findAccount } from '../../projections/accounts/accounts.js';
import { commandContext, requireRole } from './auth.js';
import type { AccountsDeps } from '../deps.js';
import { inviteCompany } from './inviteCompany.js';
import { queryOf, submitForm } from '../platform/http/command.js';
import { line } from '../platform/http/text.js';

const inviteSchema = z.object({
  customerCode: line(20).refine(isTenDigitCode, 'Il codice cliente è composto da 10 cifre.'),
  pec: line(254).refine(isEmailAddress, 'Indicare l’indirizzo PEC della ditta.'),
});
const invitedQuery = z.object({ invitato: z.uuid().optional().catch(undefined) });

/** Operators invite companies that consultants managed, as the utility does from 2023. */
export function invitationRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const staffOnly = { preHandler: requireRole('operator', 'admin') };
  const title = 'Invita una ditta';

  app.get('/operatori/inviti', staffOnly, async (request, reply) => {
    // After an invitation (POST → 303 → GET): the account just created, as the notice names it.
    const { invitato } = queryOf(invitedQuery, request);
    const invited = invitato ? await findAccount(deps.database.db, invitato) : null;
    const notice =
      invited?.kind === 'ditta'
        ? `Invito inviato a ${invited.email}: nome utente ${invited.username}, password per il primo accesso nella PEC.`
        : undefined;
    return reply.view('accounts/invite', { title, errors: {}, notice });
  });

  app.post('/operatori/inviti', staffOnly, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: inviteSchema,
      run: async (form) => {
        const { accountId, position } = await inviteCompany(
          { db: deps.database.db, store: deps.eventStore, cookieSecret: deps.cookieSecret },
          form,
          commandContext(request, deps.clock()),
        );
        return { position, redirect: `/operatori/inviti?invitato=${accountId}` };
      },
      invalid: (errors, values) => reply.view('accounts/invite', { title, errors, values }),
    }),
  );
}
