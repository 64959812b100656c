import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountDecider, accountStreamId } from '../../domain/accounts/accountDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { findAccount, listAwaitingApproval } from '../../projections/accounts/accounts.js';
import { commandContext, requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import { parseForm } from '../http/forms.js';
import { registryEntries } from '../registry/registry.js';
import { seeOther } from '../http/views.js';

const idParams = z.object({ id: z.uuid() });
const rejectSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(5, 'Indicare il motivo del rifiuto (almeno 5 caratteri).')
    .max(1000),
});
const outcomes: Record<string, string> = {
  approvata: 'Registrazione approvata: il referente riceverà una e-mail.',
  respinta: 'Registrazione respinta: il referente riceverà una e-mail con il motivo.',
};

/** The operators' queue of registrations awaiting approval, and the decision on each. */
export function registrationReviewRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const staffOnly = { preHandler: requireRole('operator', 'admin') };

  app.get('/operatori/registrazioni', staffOnly, async (request, reply) => {
    const { esito } = request.query as { esito?: string };
    return reply.view('operators/registrations', {
      title: 'Registrazioni da approvare',
      pending: await listAwaitingApproval(db),
      notice: esito ? outcomes[esito] : undefined,
    });
  });

  app.get('/operatori/registrazioni/:id', staffOnly, async (request, reply) => {
    const account = await loadPending(request.params);
    return reply.view('operators/registration', {
      title: `Registrazione di ${account.fullName}`,
      registration: account,
      registry: await registryEntries(db, account.companies),
      errors: {},
    });
  });

  app.post('/operatori/registrazioni/:id/approva', staffOnly, async (request, reply) => {
    const account = await loadPending(request.params);
    const { note } = request.body as { note?: string };
    const result = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStreamId(account.accountId),
      { type: 'ApproveRegistration', note: note ?? null },
      commandContext(request, deps.clock()),
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, '/operatori/registrazioni?esito=approvata');
  });

  app.post('/operatori/registrazioni/:id/rifiuta', staffOnly, async (request, reply) => {
    const account = await loadPending(request.params);
    const form = parseForm(rejectSchema, request.body);
    if (!form.ok) {
      return reply.code(422).view('operators/registration', {
        title: `Registrazione di ${account.fullName}`,
        registration: account,
        registry: await registryEntries(db, account.companies),
        errors: form.errors,
        values: request.body,
      });
    }
    const result = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStreamId(account.accountId),
      { type: 'RejectRegistration', reason: form.data.reason },
      commandContext(request, deps.clock()),
    );
    await deps.projections.waitFor(result.position);
    return seeOther(request, reply, '/operatori/registrazioni?esito=respinta');
  });

  async function loadPending(params: unknown) {
    const parsed = idParams.safeParse(params);
    const account = parsed.success ? await findAccount(db, parsed.data.id) : null;
    if (!account || account.role !== 'declarant') {
      throw new DomainError('RegistrationNotFound', 'not-found', 'Registrazione non trovata.');
    }
    return account;
  }
}
