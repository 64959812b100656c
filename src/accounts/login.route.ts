import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signInStream, unknownAccount } from '../../domain/accounts/signIns.js';
import { italianDuration } from '../../domain/shared/italianDuration.js';
import { findAccountByUsername, type AccountRow } from '../../projections/accounts/accounts.js';
import type { AccountsDeps } from '../deps.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import { noticeOf, queryOf } from '../platform/http/command.js';
import { nestFields, parseForm, safeRedirect, type FieldErrors } from '../platform/http/forms.js';
import { flash, isHtmx, seeOther } from '../platform/http/views.js';
import { actorOf, commandContext, homeOf, maySignIn } from './auth.js';
import { loginSchema } from './login.schema.js';
import {
  beginAttempt,
  firstUnlockMailThisHour,
  refusalToRecord,
  type Throttle,
} from './signInThrottle.js';
import { unlockPassFor } from './unlockPass.js';
import { verifyPassword } from './passwords.js';
import { replaceSession, revokeSession, sessionCookie } from './sessions.js';

const loginQuery = loginSchema.pick({ dopo: true });
const outcomes = {
  password: 'Password aggiornata: accedi con la nuova password.',
  sbloccato: 'Accesso sbloccato: puoi entrare subito con la tua password.',
  uscito: 'Hai lasciato l’organizzazione: il tuo account non dà più accesso ai suoi dati.',
  benvenuto: 'Account creato: accedi con il nome utente e la password che hai scelto.',
};

const throttledMessage = ({ scope, retryAfterSeconds }: Throttle) =>
  `Troppi tentativi di accesso ${
    scope === 'account' ? 'con questo nome utente' : 'da questo indirizzo'
  }: riprova tra ${italianDuration(retryAfterSeconds)}.`;

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
  closed: 'Questo account è stato chiuso e non può più accedere al portale.',
};

const noLongerAMember =
  'Non fai più parte di un’organizzazione registrata sul portale: chiedi a un suo amministratore di invitarti di nuovo.';

export function loginRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;

  /** A held attempt is recorded as counted in its minute (the 1st, 10th, 100th …). */
  async function recordThrottled(
    request: FastifyRequest,
    username: string,
    account: AccountRow | null,
    throttle: Throttle,
    now: Date,
  ): Promise<void> {
    const attemptsThisMinute = await refusalToRecord(db, request.ip, username, throttle, now);
    if (attemptsThisMinute === null) return;
    const unlockMailed =
      throttle.scope === 'account' &&
      account?.status === 'active' &&
      (await firstUnlockMailThisHour(db, account.accountId, now));
    await recordEvents(
      deps.eventStore,
      signInStream.id(account?.accountId ?? unknownAccount),
      [
        {
          type: 'SignInThrottled',
          data: { username, ...throttle, attemptsThisMinute, unlockMailed },
        },
      ],
      commandContext(request, now),
    );
  }

  /** A good password: a new session, the sign-in recorded, and the failures before it told. */
  async function openSignedInSession(
    request: FastifyRequest,
    reply: FastifyReply,
    account: AccountRow,
    failuresBefore: number,
    now: Date,
  ): Promise<void> {
    await recordEvents(
      deps.eventStore,
      signInStream.id(account.accountId),
      [{ type: 'SignedIn', data: { username: account.username, failuresBefore } }],
      { ...commandContext(request, now), actor: actorOf(account) },
    );
    const secure = deps.config.NODE_ENV === 'production';
    await replaceSession(db, request, reply, { accountId: account.accountId, now, secure });
    if (failuresBefore > 0) flash(reply, failuresNotice(failuresBefore), { secure });
  }

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
    const account = await findAccountByUsername(db, username);
    const passed = account !== null && unlockPassFor(request, now) === account.accountId;
    const attempt = await beginAttempt(db, request.ip, username, now, passed);
    if (attempt.throttle) {
      await recordThrottled(request, username, account, attempt.throttle, now);
      reply.header('Retry-After', attempt.throttle.retryAfterSeconds);
      return renderLogin(request, reply, 429, values, {}, throttledMessage(attempt.throttle));
    }

    if (!(await verifyPassword(account?.passwordHash ?? null, password)) || !account) {
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
    const failuresBefore = await attempt.succeeded();
    if (account.status !== 'active') {
      return renderLogin(request, reply, 403, values, {}, statusMessages[account.status]);
    }
    if (!maySignIn(account)) {
      return renderLogin(request, reply, 403, values, {}, noLongerAMember);
    }

    await openSignedInSession(request, reply, account, failuresBefore, now);
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
