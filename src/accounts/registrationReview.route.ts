import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import {
  findAccount,
  listAwaitingApproval,
  type AccountRow,
} from '../../projections/accounts/accounts.js';
import { commandContext, requireRole } from './auth.js';
import {
  companyChangeOutcomes,
  companyChangeReviewRoutes,
  companyChangesView,
} from './companyChangeReview.route.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { noticeOf, paramsOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { paragraph } from '../platform/http/text.js';
import { registryEntries } from '../registry/registry.js';
import { closeAccountOf } from './accountClosure.js';

const idParams = z.object({ id: z.uuid() });
const approveSchema = z.object({ note: paragraph(1000).optional() });
const rejectSchema = z.object({
  reason: paragraph(1000).min(5, 'Indicare il motivo del rifiuto (almeno 5 caratteri).'),
});
/** The reason of an administrator's decision, as the decider words its own check. */
const reasonSchema = (of: 'chiusura' | 'cancellazione') =>
  z.object({
    motivo: paragraph(1000).min(10, `Indicare il motivo della ${of} (almeno 10 caratteri).`),
  });
const statusLabels: Record<string, string> = {
  unverified: 'e-mail da confermare',
  'awaiting-approval': 'in attesa di approvazione',
  active: 'attivo',
  rejected: 'respinta',
  closed: 'account chiuso',
};
const outcomes: Record<string, string> = {
  chiuso: 'Account chiuso: non può più accedere al portale.',
  cancellati:
    'Dati personali cancellati: il registro resta integro e al loro posto si legge «[dato cancellato]».',
  approvata: 'Registrazione approvata: il referente riceverà una e-mail.',
  respinta: 'Registrazione respinta: il referente riceverà una e-mail con il motivo.',
  ...companyChangeOutcomes,
};

/** The operators' queue of registrations awaiting approval, and the decision on each. */
export function registrationReviewRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;
  const staffOnly = { preHandler: requireRole('operator', 'admin') };

  /** The queue: registrations, and company identities changed from «Modifica profilo». */
  const queue = async (reply: FastifyReply, extra: object) =>
    reply.view('accounts/registrations', {
      title: 'Registrazioni da approvare',
      pending: await listAwaitingApproval(db),
      ...(await companyChangesView(deps)),
      ...extra,
    });

  app.get('/operatori/registrazioni', staffOnly, async (request, reply) =>
    queue(reply, { notice: noticeOf(request, outcomes) }),
  );
  companyChangeReviewRoutes(app, deps, queue);

  app.get('/operatori/registrazioni/:id', staffOnly, async (request, reply) =>
    page(request, reply, await loadPending(request), {}, {}),
  );

  /**
   * What only a portal administrator does to an account, with the reason: close it
   * (closeAccount.ts), then erase its person (erasePersonalData.ts). Back to its page after.
   */
  const adminActions = [
    {
      path: 'chiudi',
      schema: reasonSchema('chiusura'),
      outcome: 'chiuso',
      run: (request: FastifyRequest, accountId: string, reason: string) =>
        closeAccountOf(deps, request, accountId, { type: 'CloseAccount', by: 'admin', reason }),
    },
    {
      path: 'cancella-dati',
      schema: reasonSchema('cancellazione'),
      outcome: 'cancellati',
      run: (request: FastifyRequest, accountId: string, reason: string) =>
        handleCommand(
          deps.eventStore,
          accountDecider,
          accountStream.id(accountId),
          { type: 'ErasePersonalData', reason },
          commandContext(request, deps.clock()),
        ),
    },
  ];
  for (const action of adminActions) {
    app.post(
      `/operatori/registrazioni/:id/${action.path}`,
      { preHandler: requireRole('admin') },
      async (request, reply) => {
        const account = await loadPending(request);
        return submitForm(request, reply, deps.projections, {
          schema: action.schema,
          run: async (form) => ({
            position: (await action.run(request, account.accountId, form.motivo)).position,
            redirect: `/operatori/registrazioni/${account.accountId}?esito=${action.outcome}`,
          }),
          invalid: (errors, values) => page(request, reply, account, errors, values),
        });
      },
    );
  }

  /** Approving or rejecting: one command on the account, then back to the queue. */
  const decisions = [
    ['approva', approveSchema, 'approvata'],
    ['rifiuta', rejectSchema, 'respinta'],
  ] as const;
  for (const [path, schema, outcome] of decisions) {
    app.post(`/operatori/registrazioni/:id/${path}`, staffOnly, async (request, reply) => {
      const account = await loadPending(request);
      return submitForm(request, reply, deps.projections, {
        schema,
        run: async (form) => {
          const command =
            'reason' in form
              ? { type: 'RejectRegistration' as const, reason: form.reason }
              : { type: 'ApproveRegistration' as const, note: form.note || null };
          const result = await handleCommand(
            deps.eventStore,
            accountDecider,
            accountStream.id(account.accountId),
            command,
            commandContext(request, deps.clock()),
          );
          return {
            position: result.position,
            redirect: `/operatori/registrazioni?esito=${outcome}`,
          };
        },
        invalid: (errors, values) => page(request, reply, account, errors, values),
      });
    });
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    account: AccountRow,
    errors: FieldErrors,
    values: Record<string, unknown>,
  ) {
    return reply.view('accounts/registration', {
      title: `Registrazione di ${account.fullName}`,
      registration: account,
      registry: await registryEntries(db, account.companies),
      mayClose: request.account?.role === 'admin',
      erased: account.erasedAt !== null,
      statusLabels,
      notice: noticeOf(request, outcomes),
      errors,
      values,
    });
  }

  async function loadPending(request: FastifyRequest) {
    const account = await findAccount(db, paramsOf(idParams, request).id);
    if (!account || account.role !== 'declarant') {
      throw new DomainError('RegistrationNotFound', 'not-found', 'Registrazione non trovata.');
    }
    return account;
  }
}
