import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { Role } from '../../domain/accounts/accountEvents.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import { plantAddress } from '../../domain/contracts/changePlantAddress.js';
import { companyLine } from '../../domain/accounts/changeCompanyDetails.js';
import { municipalitiesOf, provinces } from '../../domain/shared/territory.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { FormRefused, noticeOf, parseBody, queryOf, submitForm } from '../platform/http/command.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { closeAccountOf } from './accountClosure.js';
import { sessionCookie } from './sessions.js';
import { nestFields, type FieldErrors } from '../platform/http/forms.js';
import { hitRateLimit } from '../platform/http/rateLimit.js';
import { commandContext, homeOf, requireRole } from './auth.js';
import { otpCodes } from './otpCodes.js';
import { profileSchema } from './profile.schema.js';
import { profileSteps, runSteps } from './profileChanges.js';
import { profileCompanies } from './profileCompanies.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { withPasswordError } from './reauthentication.js';
import { accountSubject } from '../../domain/reminders/reminderEvents.js';
import { remindersStopped } from '../../projections/reminders/reminders.js';

const everyone: Role[] = ['declarant', 'operator', 'auditor', 'admin'];
const confirmByLink = 'Per confermare il nuovo indirizzo apri il link che ti abbiamo inviato.';
const awaitingOperators =
  'I nuovi dati delle ditte e gli indirizzi degli stabilimenti valgono dopo la convalida degli operatori: riceverai una e-mail con l’esito.';
const outcomes = {
  salvato: 'Modifiche salvate.',
  email: `Modifiche salvate. ${confirmByLink}`,
  'in-attesa': `Modifiche inviate. ${awaitingOperators}`,
  'in-attesa-email': `Modifiche inviate. ${awaitingOperators} ${confirmByLink}`,
  promemoria: 'Scelta sui promemoria salvata.',
};

/** The notice after saving: what waits for a link, what waits for an operator. */
function outcomeOf(recorded: ReadonlySet<string>): keyof typeof outcomes {
  const email = recorded.has('EmailChangeRequested');
  const operators =
    recorded.has('CompanyDetailsChangeRequested') || recorded.has('PlantAddressChangeRequested');
  return operators ? (email ? 'in-attesa-email' : 'in-attesa') : email ? 'email' : 'salvato';
}
const provinceOptions = provinces().map((p) => ({ value: p.code, label: p.name }));
const wrongPasswordLimit = { limit: 10, windowSeconds: 15 * 60 };
const closeSchema = z.object({
  passwordChiusura: z.string().max(200).min(1, 'Inserisci la password.'),
  conferma: z.literal('si', {
    error: 'Conferma di aver capito che l’account non potrà più accedere al portale.',
  }),
});
const confirmQuery = z.object({
  account: z.uuid(),
  richiesta: z.uuid(),
  token: z.string().regex(/^[\w-]{10,100}$/),
});

export function profileRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;
  const codes = otpCodes(deps.cookieSecret);
  const now = () => deps.clock();

  app.get('/profilo', { preHandler: requireRole(...everyone) }, async (request, reply) =>
    render(request, reply, {}, {}),
  );

  app.post('/profilo', { preHandler: requireRole(...everyone) }, async (request, reply) => {
    const account = request.account!;
    const limit = await hitRateLimit(db, `profile:${account.accountId}`, wrongPasswordLimit, now());
    if (!limit.allowed)
      return render(request, reply.code(429), nestFields(request.body), {
        currentPassword: 'Troppi tentativi: riprova tra qualche minuto.',
      });
    return submitForm(request, reply, deps.projections, {
      schema: profileSchema,
      run: async (form) => {
        const at = now();
        const currentPasswordOk = await verifyPassword(account.passwordHash, form.currentPassword);
        const updateProfile = {
          type: 'UpdateProfile' as const,
          currentPasswordOk,
          fullName: form.fullName,
          phone: form.phone,
          newEmail: form.newEmail,
          emailRequestId: randomUUID(),
          newPasswordHash: form.newPassword ? await hashPassword(form.newPassword) : null,
          now: at,
        };
        const companies = await companiesOf(request);
        const steps = profileSteps(deps.eventStore, request, form, companies, {
          updateProfile,
          currentPasswordOk,
        });
        return runSteps(
          steps,
          () => commandContext(request, at),
          (recorded) => `/profilo?esito=${outcomeOf(recorded)}`,
        );
      },
      invalid: async (errors, values) =>
        render(
          request,
          reply,
          values,
          await withPasswordError(errors, values, async (password) =>
            (await verifyPassword(account.passwordHash, password))
              ? null
              : 'La password attuale non è corretta.',
          ),
        ),
    });
  });

  // Staff accounts are the portal administrators' to close (users:create and the like).
  app.post('/profilo/chiudi', { preHandler: requireRole('declarant') }, async (request, reply) => {
    const account = request.account!;
    const limit = await hitRateLimit(db, `profile:${account.accountId}`, wrongPasswordLimit, now());
    if (!limit.allowed)
      return render(
        request,
        reply.code(429),
        {},
        {},
        {
          passwordChiusura: 'Troppi tentativi: riprova tra qualche minuto.',
        },
      );
    return submitForm(request, reply, deps.projections, {
      schema: closeSchema,
      run: async (form) => {
        const passwordOk = await verifyPassword(account.passwordHash, form.passwordChiusura);
        const result = await closeAccountOf(deps, request, account.accountId, {
          type: 'CloseAccount',
          by: 'self',
          passwordOk,
        }).catch((error: unknown) => {
          // The decider names the profile form's password; this form has its own.
          if (error instanceof DomainError && error.field === 'currentPassword')
            throw new FormRefused({ passwordChiusura: error.message });
          throw error;
        });
        reply.clearCookie(sessionCookie, { path: '/' });
        return { position: result.position, redirect: '/account-chiuso' };
      },
      invalid: (errors) => render(request, reply, {}, {}, errors),
    });
  });

  app.get('/account-chiuso', async (_request, reply) =>
    reply.view('accounts/accountClosed', { title: 'Account chiuso' }),
  );

  app.get('/profilo/conferma-email', async (request, reply) => {
    return reply.view('accounts/confirmEmail', {
      title: 'Conferma indirizzo e-mail',
      query: queryOf(confirmQuery, request),
    });
  });

  app.post('/profilo/conferma-email', async (request, reply) => {
    const form = parseBody(confirmQuery, request);
    if (!form.ok) return reply.callNotFound();
    const { account, richiesta, token } = form.data;
    const at = now();
    const result = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStream.id(account),
      {
        type: 'ConfirmEmailChange',
        requestId: richiesta,
        tokenMatches: codes.tokenMatches('email-change', richiesta, token),
        now: at,
      },
      commandContext(request, at),
    );
    await deps.projections.waitFor(result.position);
    return reply.view('accounts/emailConfirmed', {
      title: 'Indirizzo confermato',
      email: result.state.email,
    });
  });

  /** A declarant's companies and plants; staff have none. */
  const companiesOf = (request: FastifyRequest) =>
    request.account!.role === 'declarant' ? profileCompanies(deps, request) : Promise.resolve([]);

  /** The profile, its form's errors and (in their own summary) those of «Chiudi l'account». */
  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: FieldErrors,
    closeErrors: FieldErrors = {},
  ) {
    const account = request.account!;
    // Reads the stream: the address waiting for confirmation is in no read model.
    const { state } = await readState(
      deps.eventStore,
      accountDecider,
      accountStream.id(account.accountId),
    );
    return reply.view('accounts/profile', {
      title: 'Modifica profilo',
      me: account,
      home: homeOf(account.role),
      pendingEmail: state.pendingEmail,
      companies: await companiesOf(request),
      isStudio: account.kind === 'studio',
      provinceOptions,
      municipalitiesOf,
      plantAddress,
      companyLine,
      values: { fullName: account.fullName, phone: account.phone, ...values },
      errors,
      closeErrors,
      notice: reply.statusCode === 200 ? noticeOf(request, outcomes) : undefined,
      passwordRuleText,
      reminders: account.organisationId
        ? { stopped: await remindersStopped(db, accountSubject(account.organisationId)) }
        : null,
    });
  }
}
