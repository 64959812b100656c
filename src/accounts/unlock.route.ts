import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signInStream, unlockLinkHours } from '../../domain/accounts/signIns.js';
import { refusalById } from '../../projections/accounts/refusedSignIns.js';
import type { AccountsDeps } from '../deps.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import { parseBody, queryOf } from '../platform/http/command.js';
import { seeOther } from '../platform/http/views.js';
import { commandContext } from './auth.js';
import { otpCodes } from './otpCodes.js';
import { grantUnlockPass } from './unlockPass.js';

const unlockQuery = z.object({
  account: z.uuid(),
  evento: z.uuid(),
  token: z.string().regex(/^[\w-]{10,100}$/),
});

const validForMs = unlockLinkHours * 3_600_000;

/**
 * The link mailed to the owner of an account held back by failed logins: one button lets their
 * browser try again at once (unlockPass.ts). A GET only shows the button (mail scanners follow
 * links); the POST gives the pass, is recorded in the account's sign-in stream, and works once.
 */
export function unlockRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const codes = otpCodes(deps.cookieSecret);

  /** The refusal the link names, if the link is genuine, its own, unused and still fresh. */
  async function refusalOf(link: z.output<typeof unlockQuery>) {
    if (!codes.tokenMatches('unlock', link.evento, link.token)) return null;
    const refusal = await refusalById(deps.database.db, link.evento);
    const usable =
      refusal?.outcome === 'throttled-account' &&
      refusal.accountId === link.account &&
      refusal.unlockedAt === null &&
      deps.clock().getTime() - refusal.at.getTime() < validForMs;
    return usable ? refusal : null;
  }

  app.get('/accesso/sblocco', async (request, reply) => {
    const link = queryOf(unlockQuery, request);
    const refusal = await refusalOf(link);
    return reply
      .code(refusal ? 200 : 410)
      .view('accounts/unlock', { title: 'Sblocca l’accesso', link, valid: refusal !== null });
  });

  app.post('/accesso/sblocco', async (request, reply) => {
    const form = parseBody(unlockQuery, request);
    if (!form.ok) return reply.callNotFound();
    const refusal = await refusalOf(form.data);
    if (!refusal) {
      return reply
        .code(410)
        .view('accounts/unlock', { title: 'Sblocca l’accesso', link: form.data, valid: false });
    }
    const now = deps.clock();
    const position = await recordEvents(
      deps.eventStore,
      signInStream.id(form.data.account),
      [
        {
          type: 'SignInUnlocked',
          data: { username: refusal.username, throttledEventId: form.data.evento },
        },
      ],
      commandContext(request, now),
    );
    // The refusal reads as used before the answer, so the link cannot be used twice.
    await deps.projections.waitFor(position);
    grantUnlockPass(reply, form.data.account, now, {
      secure: deps.config.NODE_ENV === 'production',
    });
    return seeOther(request, reply, '/accesso?esito=sbloccato');
  });
}
