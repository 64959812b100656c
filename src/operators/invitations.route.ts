import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/shared/domainError.js';
import { isEmailAddress } from '../../domain/shared/email.js';
import { isTenDigitCode } from '../../domain/shared/italianIdentifiers.js';
import { findAccount } from '../../projections/accounts/accounts.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { inviteCompany } from '../contracts/inviteCompany.js';
import { parseForm } from '../http/forms.js';
import { seeOther } from '../http/views.js';

const inviteSchema = z.object({
  customerCode: z
    .string()
    .trim()
    .refine(isTenDigitCode, 'Il codice cliente è composto da 10 cifre.'),
  pec: z.string().trim().refine(isEmailAddress, 'Indicare l’indirizzo PEC della ditta.'),
});
const invitedQuery = z.object({ invitato: z.uuid() });

/** Operators invite companies that consultants managed, as the utility does from 2023. */
export function invitationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const staffOnly = { preHandler: requireRole('operator', 'admin') };
  const title = 'Invita una ditta';

  app.get('/operatori/inviti', staffOnly, async (request, reply) => {
    // After an invitation (POST → 303 → GET): the account just created, as the notice names it.
    const query = invitedQuery.safeParse(request.query);
    const invited = query.success ? await findAccount(deps.database.db, query.data.invitato) : null;
    const notice =
      invited?.kind === 'ditta'
        ? `Invito inviato a ${invited.email}: nome utente ${invited.username}, password per il primo accesso nella PEC.`
        : undefined;
    return reply.view('operators/invite', { title, errors: {}, notice });
  });

  app.post('/operatori/inviti', staffOnly, async (request, reply) => {
    const form = parseForm(inviteSchema, request.body);
    if (!form.ok)
      return reply
        .code(422)
        .view('operators/invite', { title, errors: form.errors, values: request.body });
    try {
      const { accountId, position } = await inviteCompany(
        { db: deps.database.db, store: deps.eventStore, cookieSecret: deps.cookieSecret },
        form.data,
        commandContext(request, deps.clock()),
      );
      await deps.projections.waitFor(position);
      return seeOther(request, reply, `/operatori/inviti?invitato=${accountId}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return reply.code(422).view('operators/invite', {
        title,
        errors: { [error.field ?? 'customerCode']: error.message },
        values: request.body,
      });
    }
  });
}
