import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { AccountState } from '../../domain/accounts/account.js';
import { otpMaxAttempts } from '../../domain/accounts/otpChallenge.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { nestFields, parseForm, type FieldErrors } from '../platform/http/forms.js';
import { line } from '../platform/http/text.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import { commandContext } from './auth.js';
import { otpCodes } from './otpCodes.js';

/** Binds the verification page to the browser that registered: the account id is not in the URL. */
export const registrationCookie = 'dichiara-registration';

const codeSchema = z.object({
  code: line(20).regex(/^\d{6}$/, 'Il codice è composto da 6 cifre.'),
});
/** "Invia un nuovo codice" posts the same form with this button. */
const resendSchema = z.object({ _action: z.literal('resend') });

/** "a***@gmail.com": enough for the person to recognise the address. */
const maskEmail = (email: string) => email.replace(/^(.)[^@]*(@.*)$/, '$1***$2');

export function verifyRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const codes = otpCodes(deps.cookieSecret);
  const streamOf = (request: FastifyRequest) => {
    const cookie = request.cookies[registrationCookie];
    const unsigned = cookie ? request.unsignCookie(cookie) : null;
    return unsigned?.valid && unsigned.value ? accountStream.id(unsigned.value) : null;
  };

  app.get('/registrazione/verifica', async (request, reply) => {
    const streamId = streamOf(request);
    if (!streamId) return reply.view('accounts/verifyExpired', { title: 'Registrazione' });
    // Reads the stream, as the POST does: the page follows the e-mail challenge decided there.
    const { state } = await readState(deps.eventStore, accountDecider, streamId);
    return render(request, reply, 200, state, {});
  });

  app.post('/registrazione/verifica', async (request, reply) => {
    const streamId = streamOf(request);
    if (!streamId) return reply.view('accounts/verifyExpired', { title: 'Registrazione' });
    // Reads the stream: the open challenge the code is checked against is in no read model.
    const { state } = await readState(deps.eventStore, accountDecider, streamId);
    const now = deps.clock();
    const context = commandContext(request, now);
    const values = nestFields(request.body);
    try {
      if (parseForm(resendSchema, values).ok) {
        await handleCommand(
          deps.eventStore,
          accountDecider,
          streamId,
          { type: 'ResendEmailOtp', challengeId: randomUUID(), now },
          context,
        );
        return render(
          request,
          reply,
          200,
          state,
          {},
          'Ti abbiamo inviato un nuovo codice: controlla la posta.',
        );
      }
      const form = parseForm(codeSchema, values);
      if (!form.ok) return render(request, reply, 422, state, form.errors);
      const challengeId = state.otp?.challengeId ?? '';
      const result = await handleCommand(
        deps.eventStore,
        accountDecider,
        streamId,
        {
          type: 'VerifyEmail',
          challengeId,
          codeMatches: codes.matches(challengeId, form.data.code),
          now,
        },
        context,
      );
      const rejected = result.events.find((event) => event.type === 'EmailOtpRejected');
      if (rejected) {
        const left = otpMaxAttempts - rejected.data.attempt;
        const message =
          left > 0
            ? `Codice non corretto. Tentativi rimasti: ${left}.`
            : 'Codice non corretto. Tentativi esauriti: richiedi un nuovo codice.';
        return render(request, reply, 422, result.state, { code: message });
      }
      return seeOther(request, reply, '/registrazione/verifica');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return render(request, reply, 422, state, { [error.field ?? '_form']: error.message });
    }
  });
}

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  state: AccountState,
  errors: FieldErrors,
  notice?: string,
) {
  const done = state.status !== 'unverified';
  if (done && isHtmx(request)) return seeOther(request, reply, '/registrazione/verifica');
  const data = {
    title: done ? 'Registrazione inviata' : 'Conferma indirizzo e-mail',
    state,
    email: maskEmail(state.email ?? ''),
    errors,
    notice,
  };
  return reply
    .code(status)
    .view(
      done
        ? 'accounts/registrationSent'
        : isHtmx(request)
          ? 'accounts/_verifyForm'
          : 'accounts/verify',
      data,
    );
}
