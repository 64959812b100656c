import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Provider, { type Account, type Configuration, type ErrorOut } from 'oidc-provider';
import { findDemoIdentity, type DemoIdentity } from './demoIdentities.js';
import { localProviderPath } from './localIdentityProvider.route.js';
import { spidLevels } from '../observatory/identity/spidLevel.js';
import type { Schema } from '../platform/db/schema.js';
import type { JsonObject } from '../platform/eventStore/eventStore.js';
import { databaseAdapter, sharedKeys } from './identityRecords.js';

export const localClientId = 'dichiara-osservatorio';

export interface LocalIdentityProvider {
  readonly provider: Provider;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** What the stand-in signs and checks with, the same in every process (identityRecords.ts). */
interface LocalKeys extends JsonObject {
  signingKey: JsonObject;
  cookieKey: string;
  clientSecret: string;
}

async function makeKeys(): Promise<LocalKeys> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    signingKey: { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' },
    cookieKey: randomBytes(32).toString('base64url'),
    clientSecret: randomBytes(32).toString('base64url'),
  };
}

/**
 * A real OpenID Connect provider (oidc-provider) for the embedded default and the tests. One
 * client, the portal, which must use PKCE; the demo identities log in on our own picker page
 * (no devInteractions: their inline scripts and styles break our CSP). Its keys, sessions, codes
 * and tokens are kept in the database (identityRecords.ts), so a login begun on one process of
 * the portal ends on another.
 */
export async function createLocalIdentityProvider(input: {
  db: Kysely<Schema>;
  portalUrl: string;
  redirectUri: string;
  logger: FastifyBaseLogger;
}): Promise<LocalIdentityProvider> {
  const issuer = `${input.portalUrl}${localProviderPath}`;
  const { signingKey, cookieKey, clientSecret } = await sharedKeys(input.db, makeKeys);
  const configuration: Configuration = {
    clients: [
      {
        client_id: localClientId,
        client_secret: clientSecret,
        client_name: 'Dichiara · Osservatorio rifiuti',
        redirect_uris: [input.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    // The levels SPID names: the person picks one on the picker page, as a real login would reach.
    acrValues: Object.values(spidLevels),
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'fiscal_number'],
      email: ['email'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx, interaction) => `${localProviderPath}/interaction/${interaction.uid}`,
    },
    findAccount: (_ctx, sub) => {
      const identity = findDemoIdentity(sub);
      return identity && accountOf(identity);
    },
    adapter: databaseAdapter(input.db),
    jwks: { keys: [signingKey] },
    cookies: { keys: [cookieKey] },
    // Seconds. Short: the portal keeps its own session; codes are exchanged at once.
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 300,
      IdToken: 300,
      Interaction: 600,
      Grant: 600,
      Session: 600,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => {
    input.logger.error({ err: error }, 'Local identity provider failed');
  });
  // Why a code exchange was refused (PKCE mismatch, code reused…), which the client only sees
  // as invalid_grant.
  provider.on('grant.error', (_ctx, error) => {
    input.logger.info({ detail: error.error_detail }, 'Local identity provider refused a grant');
  });
  return { provider, issuer, clientId: localClientId, clientSecret };
}

function accountOf(identity: DemoIdentity): Account {
  return {
    accountId: identity.sub,
    claims: () => ({
      sub: identity.sub,
      given_name: identity.givenName,
      family_name: identity.familyName,
      email: identity.email,
      // As SPID gives it: the fiscal code with the "TINIT-" prefix of its national identifier.
      ...(identity.fiscalCode ? { fiscal_number: `TINIT-${identity.fiscalCode}` } : {}),
    }),
  };
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The provider's own error page (bad client, expired request…): plain, Italian, no inline code. */
function errorPage(out: ErrorOut): string {
  const detail = out.error_description ?? out.error;
  return `<!doctype html>
<html lang="it">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Errore · SPID / CIE (ambiente dimostrativo)</title>
  <link rel="stylesheet" href="/assets/bootstrap-italia/css/bootstrap-italia.min.css">
</head>
<body>
  <main class="container my-5">
    <h1 class="h3">La richiesta di accesso non è valida</h1>
    <p>Il fornitore di identità dimostrativo non può proseguire: ${escapeHtml(detail)}.</p>
    <p><a class="btn btn-primary" href="/osservatorio/accesso">Ricomincia l’accesso</a></p>
  </main>
</body>
</html>`;
}
