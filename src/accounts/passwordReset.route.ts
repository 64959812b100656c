import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import { findAccountByUsername } from '../../projections/accounts/accounts.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { parseBody, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { hitRateLimit } from '../platform/http/rateLimit.js';
import { commandContext } from './auth.js';
import { otpCodes } from './otpCodes.js';
import { resetRequestSchema, resetSchema } from './passwordReset.schema.js';
import { hashPassword } from './passwords.js';
import { revokeAllSessions } from './sessions.js';
import { seeOther } from '../platform/http/views.js';

/** Which account the code page is about; "unknown" keeps the pages identical for any username. */
const resetCookie = 'dichiara-reset';
const perIp = { limit: 10, windowSeconds: 3600 };
const wrongCodeError = () =>
  new DomainError(
    'WrongResetCode',
    'validation',
    'Codice non corretto o scaduto: controlla la e-mail o richiedi un nuovo codice.',
    'code',
  );

/** "Password dimenticata?": a code by mail, then a new password; every other session ends. */
export function passwordResetRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;
  const codes = otpCodes(deps.cookieSecret);

  app.get('/password-dimenticata', async (_request, reply) =>
    reply.view('accounts/forgotPassword', { title: 'Password dimenticata', errors: {} }),
  );

  app.post('/password-dimenticata', async (request, reply) => {
    const form = parseBody(resetRequestSchema, request);
    if (!form.ok)
      return reply.code(422).view('accounts/forgotPassword', {
        title: 'Password dimenticata',
        errors: form.errors,
        values: form.values,
      });
    const now = deps.clock();
    const limit = await hitRateLimit(db, `reset:ip:${request.ip}`, perIp, now);
    if (!limit.allowed) {
      return reply.code(429).view('accounts/forgotPassword', {
        title: 'Password dimenticata',
        errors: { username: 'Troppe richieste: riprova tra un’ora.' },
        values: form.values,
      });
    }
    const account = await findAccountByUsername(db, form.data.username);
    if (account?.status === 'active') {
      try {
        await handleCommand(
          deps.eventStore,
          accountDecider,
          accountStream.id(account.accountId),
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

  app.post('/password-dimenticata/codice', async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: resetSchema,
      run: async (form) => {
        const cookie = request.cookies[resetCookie];
        const accountId = cookie ? request.unsignCookie(cookie).value : null;
        if (!accountId || accountId === 'unknown') throw wrongCodeError();
        const now = deps.clock();
        const result = await resetPassword(request, accountId, form, now);
        await revokeAllSessions(db, accountId, now);
        reply.clearCookie(resetCookie, { path: '/password-dimenticata' });
        return { position: result.position, redirect: '/accesso?esito=password' };
      },
      invalid: (errors) => render(reply, 422, errors),
    }),
  );

  /** The code and the new password; any refusal reads as a wrong code, beside the code. */
  async function resetPassword(
    request: FastifyRequest,
    accountId: string,
    form: { code: string; password: string },
    now: Date,
  ) {
    const streamId = accountStream.id(accountId);
    // Reads the stream: the open challenge the code is checked against is in no read model.
    const { state } = await readState(deps.eventStore, accountDecider, streamId);
    const challengeId = state.otp?.challengeId ?? '';
    const command = {
      type: 'ResetPassword' as const,
      challengeId,
      codeMatches: codes.matches(challengeId, form.code),
      passwordHash: await hashPassword(form.password),
      now,
    };
    try {
      const result = await handleCommand(
        deps.eventStore,
        accountDecider,
        streamId,
        command,
        commandContext(request, now),
      );
      if (result.events.some((event) => event.type === 'EmailOtpRejected')) throw wrongCodeError();
      return result;
    } catch (error) {
      if (error instanceof DomainError && !error.field) throw wrongCodeError();
      throw error;
    }
  }

  function render(reply: FastifyReply, status: number, errors: FieldErrors) {
    return reply
      .code(status)
      .view('accounts/resetPassword', { title: 'Nuova password', errors, passwordRuleText });
  }
}
