import * as client from 'openid-client';
import { identityFromClaims, type IdentityClaims } from './identityClaims.js';
import { requiredSpidLevel, spidLevelOf, type SpidLevel } from './spidLevel.js';
import type { LoginFlow } from './loginFlowCookie.js';
import type { OidcClient } from './oidcClient.js';

/** A login the portal will not accept, with the Italian page's message and its status. */
export class LoginRefused extends Error {
  override readonly name = 'LoginRefused';
  constructor(
    readonly status: 400 | 403 | 503,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const restart = 'Ricomincia l’accesso dalla pagina dell’Osservatorio.';

/**
 * Checks the provider's answer against the flow this browser started (state, then PKCE and nonce
 * through the code exchange) and returns the person, who must have an Italian fiscal code.
 */
export async function verifyCallback(
  oidc: OidcClient,
  currentUrl: URL,
  flow: LoginFlow | null,
): Promise<IdentityClaims & { readonly level: SpidLevel }> {
  if (!flow) {
    throw new LoginRefused(
      400,
      'no-login-flow',
      `Questo accesso non è partito da questo browser oppure è scaduto (dura dieci minuti). ${restart}`,
    );
  }
  // openid-client checks it too; checked first here to say precisely what went wrong.
  if (currentUrl.searchParams.get('state') !== flow.state) {
    throw new LoginRefused(
      403,
      'state-mismatch',
      `La risposta del servizio di identità digitale non corrisponde alla richiesta partita da questo browser: per sicurezza l’accesso è stato bloccato. ${restart}`,
    );
  }
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  let userinfo: Record<string, unknown> = {};
  try {
    tokens = await client.authorizationCodeGrant(oidc.configuration, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new LoginRefused(403, 'no-id-token', `Risposta senza ID token. ${restart}`);
    const level = mustMeetLevel(claims.acr);
    const fromIdToken = identityFromClaims(claims);
    if (!fromIdToken?.givenName || !fromIdToken.familyName) {
      userinfo = await client.fetchUserInfo(oidc.configuration, tokens.access_token, claims.sub);
    }
    const identity = identityFromClaims(claims, userinfo);
    if (!identity) {
      throw new LoginRefused(
        403,
        'no-fiscal-code',
        'L’identità digitale usata non comunica un codice fiscale italiano valido: per l’Osservatorio serve lo SPID o la CIE di una persona con codice fiscale.',
      );
    }
    return { ...identity, level };
  } catch (error) {
    throw refusalOf(error);
  }
}

/** The level asked for (oidcLogin.route.ts), or a higher one: a provider may answer lower. */
function mustMeetLevel(acr: unknown): SpidLevel {
  const level = spidLevelOf(acr);
  if (level !== null && level >= requiredSpidLevel) return level;
  throw new LoginRefused(
    403,
    `acr-${level === null ? 'unknown' : `level-${level}`}`,
    level === null
      ? `Il servizio di identità digitale non ha indicato il livello di sicurezza dell’accesso: per l’Osservatorio serve SPID di livello ${requiredSpidLevel} o superiore, oppure la CIE. ${restart}`
      : `L’accesso è avvenuto con SPID di livello ${level}: per l’Osservatorio serve il livello ${requiredSpidLevel} o superiore (con il codice temporaneo o la notifica sull’app del gestore di identità), oppure la CIE. ${restart}`,
  );
}

function refusalOf(error: unknown): unknown {
  if (error instanceof LoginRefused) return error;
  if (error instanceof client.AuthorizationResponseError) {
    return new LoginRefused(
      403,
      `authorization-${error.error}`,
      error.error === 'access_denied'
        ? 'L’accesso è stato annullato sul servizio di identità digitale.'
        : `Il servizio di identità digitale non ha autorizzato l’accesso (${error.error}). ${restart}`,
    );
  }
  if (error instanceof client.ResponseBodyError) {
    // invalid_grant: a code used twice, expired, or whose PKCE challenge this browser cannot meet.
    return new LoginRefused(
      403,
      `token-${error.error}`,
      `Il codice di accesso non è valido: è già stato usato, è scaduto o non è stato emesso per questo browser. ${restart}`,
    );
  }
  if (error instanceof client.ClientError) {
    return new LoginRefused(
      403,
      `check-${error.code ?? 'failed'}`,
      `La risposta del servizio di identità digitale non ha superato i controlli di sicurezza. ${restart}`,
    );
  }
  return error;
}

/** The relying party, or a 503 page when the identity provider cannot be reached. */
export async function reachProvider(oidc: () => Promise<OidcClient>): Promise<OidcClient> {
  try {
    return await oidc();
  } catch (error) {
    throw new LoginRefused(
      503,
      `discovery-failed: ${error instanceof Error ? error.message : String(error)}`,
      'Il servizio di identità digitale (SPID/CIE) non è raggiungibile in questo momento: riprova tra qualche minuto.',
    );
  }
}
