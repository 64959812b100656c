import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountDecider, accountStreamId } from '../../domain/accounts/accountDecider.js';
import type { Role } from '../../domain/accounts/accountEvents.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import type { AppDeps } from '../app.js';
import { handleCommand, readState } from '../eventStore/commandHandler.js';
import { parseForm, type FieldErrors } from '../http/forms.js';
import { hitRateLimit } from '../http/rateLimit.js';
import { commandContext, requireRole } from './auth.js';
import { otpCodes } from './otpCodes.js';
import { profileSchema } from './profile.schema.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { seeOther } from '../http/views.js';

const everyone: Role[] = ['declarant', 'operator', 'auditor', 'admin'];
const wrongPasswordLimit = { limit: 10, windowSeconds: 15 * 60 };
const confirmQuery = z.object({
  account: z.uuid(),
  richiesta: z.uuid(),
  token: z.string().min(10).max(100),
});

export function profileRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const codes = otpCodes(deps.cookieSecret);

  app.get('/profilo', { preHandler: requireRole(...everyone) }, async (request, reply) =>
    render(request, reply, 200, {}, {}),
  );

  app.post('/profilo', { preHandler: requireRole(...everyone) }, async (request, reply) => {
    const account = request.account!;
    const form = parseForm(profileSchema, request.body);
    const values = request.body as Record<string, string>;
    if (!form.ok) return render(request, reply, 422, values, form.errors);
    const now = deps.clock();
    const limit = await hitRateLimit(db, `profile:${account.accountId}`, wrongPasswordLimit, now);
    if (!limit.allowed)
      return render(request, reply, 429, values, {
        currentPassword: 'Troppi tentativi: riprova tra qualche minuto.',
      });
    try {
      const result = await handleCommand(
        deps.eventStore,
        accountDecider,
        accountStreamId(account.accountId),
        {
          type: 'UpdateProfile',
          currentPasswordOk: await verifyPassword(account.passwordHash, form.data.currentPassword),
          fullName: form.data.fullName,
          phone: form.data.phone,
          newEmail: form.data.newEmail,
          emailRequestId: randomUUID(),
          newPasswordHash: form.data.newPassword ? await hashPassword(form.data.newPassword) : null,
          now,
        },
        commandContext(request, now),
      );
      await deps.projections.waitFor(result.position);
      const emailPending = result.events.some((event) => event.type === 'EmailChangeRequested');
      return seeOther(request, reply, `/profilo?esito=${emailPending ? 'email' : 'salvato'}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return render(request, reply, 422, values, { [error.field ?? '_form']: error.message });
    }
  });

  app.get('/profilo/conferma-email', async (request, reply) => {
    const query = confirmQuery.safeParse(request.query);
    if (!query.success) return reply.callNotFound();
    return reply.view('accounts/confirmEmail', {
      title: 'Conferma indirizzo e-mail',
      query: query.data,
    });
  });

  app.post('/profilo/conferma-email', async (request, reply) => {
    const form = confirmQuery.safeParse(request.body);
    if (!form.success) return reply.callNotFound();
    const { account, richiesta, token } = form.data;
    const now = deps.clock();
    const result = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStreamId(account),
      {
        type: 'ConfirmEmailChange',
        requestId: richiesta,
        tokenMatches: token === codes.token('email-change', richiesta),
        now,
      },
      commandContext(request, now),
    );
    await deps.projections.waitFor(result.position);
    return reply.view('accounts/emailConfirmed', {
      title: 'Indirizzo confermato',
      email: result.state.email,
    });
  });

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: Record<string, string>,
    errors: FieldErrors,
  ) {
    const account = request.account!;
    const { state } = await readState(
      deps.eventStore,
      accountDecider,
      accountStreamId(account.accountId),
    );
    const { esito } = request.query as { esito?: string };
    const notice =
      esito === 'salvato'
        ? 'Modifiche salvate.'
        : esito === 'email'
          ? 'Modifiche salvate. Per confermare il nuovo indirizzo apri il link che ti abbiamo inviato.'
          : undefined;
    return reply.code(status).view('accounts/profile', {
      title: 'Modifica profilo',
      me: account,
      pendingEmail: state.pendingEmail,
      values: { fullName: account.fullName, phone: account.phone, ...values },
      errors,
      notice: status === 200 ? notice : undefined,
      passwordRuleText,
    });
  }
}
