import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signInStream, unknownAccount } from '../../domain/accounts/signIns.js';
import { findAccountByUsername, type AccountRow } from '../../projections/accounts/accounts.js';
import type { AccountsDeps } from '../deps.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import { noticeOf, queryOf } from '../platform/http/command.js';
import { nestFields, parseForm, safeRedirect, type FieldErrors } from '../platform/http/forms.js';
import { flash, isHtmx, seeOther } from '../platform/http/views.js';
import { commandContext, homeOf } from './auth.js';
import { loginSchema } from './login.schema.js';
import {
  clearFailures,
  countFailure,
  firstRefusalThisMinute,
  firstUnlockMailThisHour,
  throttleOf,
  type Throttle,
} from './signInThrottle.js';
import { verifyPassword } from './passwords.js';
import { openSession, revokeSession, sessionCookie, sessionHours } from './sessions.js';

const loginQuery = loginSchema.pick({ dopo: true });
const outcomes = {
  password: 'Password aggiornata: accedi con la nuova password.',
  sbloccato: 'Accesso sbloccato: puoi entrare subito con la tua password.',
};

/** «riprova tra 30 secondi», «riprova tra 2 minuti». */
const retryIn = (seconds: number) =>
  seconds < 60 ? `${seconds} secondi` : `${Math.ceil(seconds / 60)} minuti`;

const throttledMessage = ({ scope, retryAfterSeconds }: Throttle) =>
  scope === 'account'
    ? `Troppi tentativi di accesso con questo nome utente: riprova tra ${retryIn(retryAfterSeconds)}.`
    : `Troppi tentativi di accesso da questo indirizzo: riprova tra ${retryIn(retryAfterSeconds)}.`;

/** Told at the first page after a good password, so the owner learns of a guessing attempt. */
const failuresNotice = (failures: number) =>
  `Dall’ultimo accesso ${
    failures === 1
      ? 'c’è stato un tentativo non riuscito'
      : `ci sono stati ${failures} tentativi non riusciti`
  } con il tuo nome utente. Se non eri tu, cambia la password dal profilo.`;

const statusMessages: Record<Exclude<AccountRow['status'], 'active'>, string> = {
  unverified: 'Conferma prima il tuo indirizzo e-mail con il codice che ti abbiamo inviato.',
  'awaiting-approval':
    'La registrazione è in attesa di approvazione da parte degli operatori: riceverai una e-mail.',
  rejected:
    'La registrazione è stata respinta dagli operatori: controlla la e-mail ricevuta per il motivo.',
};

export function loginRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;

  app.get('/accesso', async (request, reply) => {
    if (request.account) return reply.redirect(homeOf(request.account.role), 303);
    const { dopo } = queryOf(loginQuery, request);
    return reply.view('accounts/login', { values: { dopo }, notice: noticeOf(request, outcomes) });
  });

  app.post('/accesso', async (request, reply) => {
    const values = nestFields(request.body);
    const form = parseForm(loginSchema, values);
    if (!form.ok) return renderLogin(request, reply, 422, values, form.errors);
    const { username, password, dopo } = form.data;
    const now = deps.clock();
    const context = commandContext(request, now);
    const throttle = await throttleOf(db, request.ip, username, now);
    if (throttle) {
      if (await firstRefusalThisMinute(db, request.ip, username, now)) {
        const account = await findAccountByUsername(db, username);
        const unlockMailed =
          throttle.scope === 'account' &&
          account?.status === 'active' &&
          (await firstUnlockMailThisHour(db, account.accountId, now));
        await recordEvents(
          deps.eventStore,
          signInStream.id(account?.accountId ?? unknownAccount),
          [{ type: 'SignInThrottled', data: { username, ...throttle, unlockMailed } }],
          context,
        );
      }
      reply.header('Retry-After', throttle.retryAfterSeconds);
      return renderLogin(request, reply, 429, values, {}, throttledMessage(throttle));
    }

    const account = await findAccountByUsername(db, username);
    if (!(await verifyPassword(account?.passwordHash ?? null, password)) || !account) {
      await countFailure(db, request.ip, username, now);
      await recordEvents(
        deps.eventStore,
        signInStream.id(account?.accountId ?? unknownAccount),
        [
          {
            type: 'SignInFailed',
            data: { username, reason: account ? 'wrong-password' : 'unknown-username' },
          },
        ],
        context,
      );
      return renderLogin(request, reply, 422, values, {}, 'Nome utente o password non corretti.');
    }
    if (account.status !== 'active') {
      return renderLogin(request, reply, 403, values, {}, statusMessages[account.status]);
    }

    const failuresBefore = await clearFailures(db, username, now);
    if (request.sessionToken) await revokeSession(db, request.sessionToken, now);
    const token = await openSession(db, {
      accountId: account.accountId,
      now,
      clientIp: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    });
    await recordEvents(
      deps.eventStore,
      signInStream.id(account.accountId),
      [{ type: 'SignedIn', data: { username: account.username, failuresBefore } }],
      {
        ...context,
        actor: { id: account.accountId, role: account.role },
      },
    );
    const secure = deps.config.NODE_ENV === 'production';
    if (failuresBefore > 0) flash(reply, failuresNotice(failuresBefore), { secure });
    reply.setCookie(sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure,
      maxAge: sessionHours * 3600,
    });
    const target = safeRedirect(dopo, homeOf(account.role));
    return seeOther(request, reply, target);
  });

  app.post('/esci', async (request, reply) => {
    const now = deps.clock();
    if (request.sessionToken && request.account) {
      await revokeSession(db, request.sessionToken, now);
      await recordEvents(
        deps.eventStore,
        signInStream.id(request.account.accountId),
        [{ type: 'SignedOut', data: {} }],
        commandContext(request, now),
      );
    }
    reply.clearCookie(sessionCookie, { path: '/' });
    return seeOther(request, reply, '/accesso');
  });
}

function renderLogin(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  values: Record<string, unknown>,
  errors: FieldErrors,
  message?: string,
) {
  const data = { values: { username: values.username, dopo: values.dopo }, errors, message };
  return reply.code(status).view(isHtmx(request) ? 'accounts/_loginForm' : 'accounts/login', data);
}
