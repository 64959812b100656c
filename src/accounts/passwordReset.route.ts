import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { accountDecider, accountStreamId } from '../../domain/accounts/accountDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import { findAccountByUsername } from '../../projections/accounts/accounts.js';
import type { AppDeps } from '../app.js';
import { handleCommand, readState } from '../eventStore/commandHandler.js';
import { parseForm, type FieldErrors } from '../http/forms.js';
import { hitRateLimit } from '../http/rateLimit.js';
import { commandContext } from './auth.js';
import { otpCodes } from './otpCodes.js';
import { resetRequestSchema, resetSchema } from './passwordReset.schema.js';
import { hashPassword } from './passwords.js';
import { revokeAllSessions } from './sessions.js';
import { seeOther } from '../http/views.js';

/** Which account the code page is about; "unknown" keeps the pages identical for any username. */
const resetCookie = 'dichiara-reset';
const perIp = { limit: 10, windowSeconds: 3600 };
const wrongCode = 'Codice non corretto o scaduto: controlla la e-mail o richiedi un nuovo codice.';

/** "Password dimenticata?": a code by mail, then a new password; every other session ends. */
export function passwordResetRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  const codes = otpCodes(deps.cookieSecret);

  app.get('/password-dimenticata', async (_request, reply) =>
    reply.view('accounts/forgotPassword', { title: 'Password dimenticata', errors: {} }),
  );

  app.post('/password-dimenticata', async (request, reply) => {
    const form = parseForm(resetRequestSchema, request.body);
    if (!form.ok)
      return reply.code(422).view('accounts/forgotPassword', {
        title: 'Password dimenticata',
        errors: form.errors,
        values: request.body,
      });
    const now = deps.clock();
    const limit = await hitRateLimit(db, `reset:ip:${request.ip}`, perIp, now);
    if (!limit.allowed) {
      return reply.code(429).view('accounts/forgotPassword', {
        title: 'Password dimenticata',
        errors: { username: 'Troppe richieste: riprova tra un’ora.' },
        values: request.body,
      });
    }
    const account = await findAccountByUsername(db, form.data.username);
    if (account?.status === 'active') {
      try {
        await handleCommand(
          deps.eventStore,
          accountDecider,
          accountStreamId(account.accountId),
          { type: 'RequestPasswordReset', challengeId: randomUUID(), now },
          commandContext(request, now),
        );
      } catch (error) {
        // A code sent a moment ago is still valid: the page below says to use it.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    reply.setCookie(resetCookie, account?.accountId ?? 'unknown', {
      path: '/password-dimenticata',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      maxAge: 3600,
    });
    return seeOther(request, reply, '/password-dimenticata/codice');
  });

  app.get('/password-dimenticata/codice', async (_request, reply) => render(reply, 200, {}));

  app.post('/password-dimenticata/codice', async (request, reply) => {
    const form = parseForm(resetSchema, request.body);
    if (!form.ok) return render(reply, 422, form.errors);
    const cookie = request.cookies[resetCookie];
    const accountId = cookie ? request.unsignCookie(cookie).value : null;
    if (!accountId || accountId === 'unknown') return render(reply, 422, { code: wrongCode });
    const streamId = accountStreamId(accountId);
    const { state } = await readState(deps.eventStore, accountDecider, streamId);
    const challengeId = state.otp?.challengeId ?? '';
    const now = deps.clock();
    try {
      const result = await handleCommand(
        deps.eventStore,
        accountDecider,
        streamId,
        {
          type: 'ResetPassword',
          challengeId,
          codeMatches: codes.matches(challengeId, form.data.code),
          passwordHash: await hashPassword(form.data.password),
          now,
        },
        commandContext(request, now),
      );
      if (result.events.some((event) => event.type === 'EmailOtpRejected'))
        return render(reply, 422, { code: wrongCode });
      await revokeAllSessions(db, accountId, now);
      await deps.projections.waitFor(result.position);
      reply.clearCookie(resetCookie, { path: '/password-dimenticata' });
      return seeOther(request, reply, '/accesso?esito=password');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return render(reply, 422, { code: error.field ? error.message : wrongCode });
    }
  });

  function render(reply: FastifyReply, status: number, errors: FieldErrors) {
    return reply
      .code(status)
      .view('accounts/resetPassword', { title: 'Nuova password', errors, passwordRuleText });
  }
}
