import type { FastifyInstance } from 'fastify';
import type { ObservatoryDeps } from '../../deps.js';
import { callbackPath } from './loginFlowCookie.js';
import { cachedOidcClient, type OidcClientSettings } from './oidcClient.js';
import { oidcLoginRoutes } from './oidcLogin.route.js';

/** Where the observatory's client finds its provider's endpoints and its own credentials. */
interface ProviderCredentials {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The observatory's own needs, plus where the portal is and, on a developer's machine, the local provider. */
export type IdentityDeps = ObservatoryDeps & {
  readonly portalUrl: () => string;
  readonly localIdentity: (() => Promise<ProviderCredentials>) | null;
};

/**
 * SPID/CIE login for the observatory, against the configured provider or, on a developer's
 * machine, the local stand-in that src/dev runs (`localIdentity`, null otherwise).
 */
export function digitalIdentityRoutes(app: FastifyInstance, deps: IdentityDeps): void {
  const redirectUri = () => `${deps.portalUrl()}${callbackPath}`;
  const { localIdentity, config } = deps;
  const settings: () => Promise<OidcClientSettings> = localIdentity
    ? async () => {
        const { issuer, clientId, clientSecret } = await localIdentity();
        return { issuer, clientId, clientSecret, redirectUri: redirectUri(), allowHttp: true };
      }
    : () =>
        Promise.resolve({
          issuer: config.OIDC_ISSUER ?? '',
          clientId: config.OIDC_CLIENT_ID ?? '',
          clientSecret: config.OIDC_CLIENT_SECRET ?? '',
          redirectUri: redirectUri(),
          allowHttp: config.NODE_ENV !== 'production',
        });
  oidcLoginRoutes(app, { ...deps, oidc: cachedOidcClient(settings) });
}
