import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { paramsOf, parseBody } from '../platform/http/command.js';
import { demoIdentities, findDemoIdentity, type DemoIdentity } from './demoIdentities.js';
import { spidLevels, type SpidLevel } from '../observatory/identity/spidLevel.js';
// Types only: oidc-provider is loaded when the local provider is first used, never in production.
import type { LocalIdentityProvider } from './localIdentityProvider.js';

/** Where the stand-in for SPID/CIE lives inside the portal; its issuer is the portal's URL + this. */
export const localProviderPath = '/spid-locale';

type Lazy<T> = () => Promise<T>;

// oidc-provider's interaction ids; anything else names no interaction (404).
const interactionParams = z.object({ uid: z.string().regex(/^[\w-]{1,100}$/) });
const chooseOne = 'Scegli una delle identità elencate.';
const choiceSchema = z.object({
  identita: z
    .string({ error: chooseOne })
    .transform((sub) => findDemoIdentity(sub))
    .pipe(z.custom<DemoIdentity>((identity) => identity !== undefined, chooseOne)),
  // The level the login reaches; a lower one than the portal asks for shows its refusal.
  livello: z
    .enum(['1', '2', '3'], { error: 'Scegli il livello 1, 2 o 3.' })
    .default('2')
    .transform((level) => Number(level) as SpidLevel),
});

/**
 * The local SPID/CIE stand-in inside the portal: our picker page for its login interaction, and
 * every other path under /spid-locale handed to oidc-provider's node handler. The handover
 * happens in onRequest, before fastify parses a body (the provider reads its own) and before the
 * CSRF check (the token endpoint is called by the client, not by a form).
 */
export function localIdentityProviderRoutes(
  app: FastifyInstance,
  local: Lazy<LocalIdentityProvider>,
): void {
  let handler: ReturnType<LocalIdentityProvider['provider']['callback']> | undefined;
  app.route({
    method: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    url: `${localProviderPath}/*`,
    onRequest: async (request, reply) => {
      handler ??= (await local()).provider.callback();
      reply.hijack();
      // Mounted as Express would: the provider routes on url and finds its prefix in originalUrl.
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url?.slice(localProviderPath.length) || '/';
      void handler(raw, reply.raw);
    },
    handler: async () => undefined,
  });

  const interaction = `${localProviderPath}/interaction/:uid`;
  app.get(interaction, async (request, reply) => {
    const details = await interactionOf(local, request, reply);
    if (!details) return expired(reply);
    reply.header('Cache-Control', 'no-store');
    return reply.view('dev/chooseIdentity', {
      action: `${localProviderPath}/interaction/${details.uid}`,
      identities: demoIdentities,
    });
  });

  app.post(`${interaction}/accedi`, async (request, reply) => {
    const { provider } = await local();
    const details = await interactionOf(local, request, reply);
    if (!details) return expired(reply);
    const form = parseBody(choiceSchema, request);
    if (!form.ok) {
      return reply.code(422).view('dev/chooseIdentity', {
        action: `${localProviderPath}/interaction/${details.uid}`,
        identities: demoIdentities,
        message: form.errors.identita ?? form.errors.livello,
      });
    }
    const identity = form.data.identita;
    // First-party client: the consent is given together with the login.
    const grant = new provider.Grant({
      accountId: identity.sub,
      clientId: String(details.params.client_id),
    });
    const { scope } = details.params;
    grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
    const grantId = await grant.save();
    const returnTo = await provider.interactionResult(
      request.raw,
      reply.raw,
      {
        login: { accountId: identity.sub, acr: spidLevels[form.data.livello] },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(returnTo, 303);
  });

  app.post(`${interaction}/annulla`, async (request, reply) => {
    const { provider } = await local();
    const details = await interactionOf(local, request, reply);
    if (!details) return expired(reply);
    const returnTo = await provider.interactionResult(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'accesso annullato dall’utente' },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(returnTo, 303);
  });

  // What the routes above cannot be (a uid longer than a route parameter, a trailing slash, a
  // path below a uid) would reach the provider, whose answer is a bare "Not Found".
  app.route({
    method: ['GET', 'HEAD', 'POST'],
    url: `${localProviderPath}/interaction/*`,
    handler: async (_request, reply) => expired(reply, 404),
  });
}

/** The interaction of this browser (its cookie) for the uid in the path; null when gone. */
async function interactionOf(
  local: Lazy<LocalIdentityProvider>,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { uid } = paramsOf(interactionParams, request);
  const { provider } = await local();
  try {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    return details.uid === uid ? details : null;
  } catch (error) {
    if (error instanceof Error && error.name === 'SessionNotFound') return null;
    throw error;
  }
}

function expired(reply: FastifyReply, status = 400) {
  return reply.code(status).view('observatory/loginRefused', {
    title: 'Richiesta di accesso scaduta',
    message:
      'La richiesta di accesso è scaduta o è stata aperta in un altro browser: torna al portale e ricomincia.',
  });
}
