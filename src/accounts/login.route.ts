import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findAccountByUsername, type AccountRow } from '../../projections/accounts/accounts.js';
import type { AccountsDeps } from '../deps.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import { noticeOf, queryOf } from '../platform/http/command.js';
import { nestFields, parseForm, safeRedirect, type FieldErrors } from '../platform/http/forms.js';
import { clearRateLimit, hitRateLimit } from '../platform/http/rateLimit.js';
import { isHtmx, seeOther } from '../platform/http/views.js';
import { commandContext } from './auth.js';
import { loginSchema } from './login.schema.js';
import { verifyPassword } from './passwords.js';
import { openSession, revokeSession, sessionCookie, sessionHours } from './sessions.js';

const loginQuery = loginSchema.pick({ dopo: true });
const outcomes = { password: 'Password aggiornata: accedi con la nuova password.' };
const perIp = { limit: 30, windowSeconds: 15 * 60 };
const perUsername = { limit: 5, windowSeconds: 15 * 60 };

const statusMessages: Record<Exclude<AccountRow['status'], 'active'>, string> = {
  unverified: 'Conferma prima il tuo indirizzo e-mail con il codice che ti abbiamo inviato.',
  'awaiting-approval':
    'La registrazione è in attesa di approvazione da parte degli operatori: riceverai una e-mail.',
  rejected:
    'La registrazione è stata respinta dagli operatori: controlla la e-mail ricevuta per il motivo.',
};

export const homeOf = (role: string): string =>
  role === 'declarant' ? '/area-riservata' : role === 'auditor' ? '/' : '/operatori/registrazioni';

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
    const limits = await Promise.all([
      hitRateLimit(db, `login:ip:${request.ip}`, perIp, now),
      hitRateLimit(db, `login:user:${username.toLowerCase()}`, perUsername, now),
    ]);
    const blocked = limits.find((limit) => !limit.allowed);
    if (blocked) {
      const minutes = Math.ceil(blocked.retryAfterSeconds / 60);
      reply.header('Retry-After', blocked.retryAfterSeconds);
      return renderLogin(
        request,
        reply,
        429,
        values,
        {},
        `Troppi tentativi di accesso: riprova tra ${minutes} minuti.`,
      );
    }

    const account = await findAccountByUsername(db, username);
    const context = commandContext(request, now);
    if (!(await verifyPassword(account?.passwordHash ?? null, password)) || !account) {
      await recordEvents(
        deps.eventStore,
        `signin-${account?.accountId ?? 'unknown'}`,
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

    await clearRateLimit(db, `login:user:${username.toLowerCase()}`);
    if (request.sessionToken) await revokeSession(db, request.sessionToken, now);
    const token = await openSession(db, {
      accountId: account.accountId,
      now,
      clientIp: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    });
    await recordEvents(
      deps.eventStore,
      `signin-${account.accountId}`,
      [{ type: 'SignedIn', data: { username: account.username } }],
      {
        ...context,
        actor: { id: account.accountId, role: account.role },
      },
    );
    reply.setCookie(sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure: deps.config.NODE_ENV === 'production',
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
        `signin-${request.account.accountId}`,
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
