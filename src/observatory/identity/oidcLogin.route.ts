import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { z } from 'zod';
import { replaceSession, revokeSession, sessionCookie } from '../../accounts/sessions.js';
import type { ObservatoryDeps } from '../../deps.js';
import type { CommandContext } from '../../platform/eventStore/commandHandler.js';
import { recordEvents } from '../../platform/eventStore/commandHandler.js';
import { queryOf } from '../../platform/http/command.js';
import { redirectTarget, safeRedirect } from '../../platform/http/forms.js';
import { hitRateLimit } from '../../platform/http/rateLimit.js';
import { seeOther } from '../../platform/http/views.js';
import {
  digitalIdentityRole,
  digitalIdentityStream,
  identityAccountId,
  type DigitalIdentityEvent,
} from '../../../domain/observatory/digitalIdentityEvents.js';
import type { IdentityClaims } from './identityClaims.js';
import { callbackPath, callbackRoute, setLoginFlow, takeLoginFlow } from './loginFlowCookie.js';
import type { OidcClient } from './oidcClient.js';
import { loginRoute, observatoryPrefix } from './requestIdentity.js';
import { LoginRefused, reachProvider, verifyCallback } from './verifyCallback.js';
import { requiredSpidLevel, spidLevels } from './spidLevel.js';

const callbackPerIp = { limit: 30, windowSeconds: 15 * 60 };
const homePath = observatoryPrefix;
const scope = 'openid profile email';

// Where to go after the login: safeRedirect keeps it on this site.
const loginQuery = z.object({ dopo: redirectTarget });

// The provider's answer (RFC 6749 §4.1.2, RFC 9207): only these parameters reach openid-client.
const answered = z.string().max(4096).optional().catch(undefined);
const callbackQuery = z.object({
  code: answered,
  state: answered,
  iss: answered,
  error: answered,
  error_description: answered,
});

/** The callback's URL as openid-client reads it, rebuilt from the parameters the schema kept. */
function callbackUrl(portalUrl: string, answer: z.output<typeof callbackQuery>): URL {
  const url = new URL(callbackPath, portalUrl);
  for (const [name, value] of Object.entries(answer)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url;
}

/**
 * SPID/CIE login over OpenID Connect: authorization code with PKCE (S256), state and nonce; the
 * fiscal code from the ID token or userinfo opens a session for `cf:<fiscal code>`.
 */
export function oidcLoginRoutes(
  app: FastifyInstance,
  deps: ObservatoryDeps & { oidc: () => Promise<OidcClient>; portalUrl: () => string },
): void {
  const { db } = deps.database;
  const secure = deps.config.NODE_ENV === 'production';

  app.get(loginRoute, async (request, reply) => {
    const after = safeRedirect(queryOf(loginQuery, request).dopo, homePath);
    if (request.identity) return reply.redirect(after, 303);
    let oidc: OidcClient;
    try {
      oidc = await reachProvider(deps.oidc);
    } catch (error) {
      if (!(error instanceof LoginRefused)) throw error;
      request.log.warn({ reason: error.reason }, 'Digital identity provider unreachable');
      return refuse(reply, error.status, error.message);
    }
    const { configuration, settings } = oidc;
    const flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      after,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUri,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
      // SPID and CIE ask for the credentials at every login; so does the local provider.
      prompt: 'login',
      // A second factor at least (verifyCallback.ts refuses a lower level).
      acr_values: spidLevels[requiredSpidLevel],
    });
    setLoginFlow(reply, flow, secure);
    reply.header('Cache-Control', 'no-store');
    return reply.redirect(url.href, 303);
  });

  app.get(callbackRoute, async (request, reply) => {
    const now = deps.clock();
    const limit = await hitRateLimit(db, `oidc-callback:ip:${request.ip}`, callbackPerIp, now);
    if (!limit.allowed) {
      reply.header('Retry-After', limit.retryAfterSeconds);
      return refuse(reply, 429, 'Troppi tentativi di accesso: riprova tra qualche minuto.');
    }
    const flow = takeLoginFlow(request, reply);
    let identity: IdentityClaims & { readonly level: number };
    let issuer: string;
    try {
      const oidc = await reachProvider(deps.oidc);
      issuer = oidc.configuration.serverMetadata().issuer;
      const answer = callbackUrl(deps.portalUrl(), queryOf(callbackQuery, request));
      identity = await verifyCallback(oidc, answer, flow);
    } catch (error) {
      if (!(error instanceof LoginRefused)) throw error;
      request.log.info({ reason: error.reason }, 'Digital identity login refused');
      return refuse(reply, error.status, error.message);
    }

    const context = identityContext(request, identity.fiscalCode, now);
    const event: DigitalIdentityEvent = {
      type: 'DigitalIdentityLoggedIn',
      data: { ...identity, issuer },
    };
    const position = await recordEvents(
      deps.eventStore,
      digitalIdentityStream.id(identity.fiscalCode),
      [event],
      context,
    );
    await deps.projections.waitFor(position);
    await replaceSession(db, request, reply, {
      accountId: identityAccountId(identity.fiscalCode),
      now,
      secure,
    });
    return reply.redirect(flow?.after ?? homePath, 303);
  });

  app.post('/esci', async (request, reply) => {
    const now = deps.clock();
    if (request.sessionToken && request.identity) {
      const { fiscalCode } = request.identity;
      await revokeSession(db, request.sessionToken, now);
      const event: DigitalIdentityEvent = {
        type: 'DigitalIdentityLoggedOut',
        data: { fiscalCode },
      };
      await recordEvents(
        deps.eventStore,
        digitalIdentityStream.id(fiscalCode),
        [event],
        identityContext(request, fiscalCode, now),
      );
    }
    reply.clearCookie(sessionCookie, { path: '/' });
    return seeOther(request, reply, '/');
  });
}

function identityContext(request: FastifyRequest, fiscalCode: string, now: Date): CommandContext {
  return {
    commandId: randomUUID(),
    correlationId: request.id,
    actor: { id: identityAccountId(fiscalCode), role: digitalIdentityRole },
    clientIp: request.ip,
    now,
  };
}

function refuse(reply: FastifyReply, status: number, message: string) {
  reply.header('Cache-Control', 'no-store');
  return reply.code(status).view('observatory/loginRefused', {
    title: status === 429 ? 'Troppi tentativi' : 'Accesso non riuscito',
    message,
  });
}
