import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import type { Config } from '../../config.js';
import { displayHost } from '../../runtime.js';
import type { LocalIdentityProvider } from '../../dev/localIdentityProvider.js';
import { localIdentityProviderRoutes } from '../../dev/localIdentityProvider.route.js';
import { callbackPath } from './loginFlowCookie.js';
import { cachedOidcClient, type OidcClientSettings } from './oidcClient.js';
import { oidcLoginRoutes } from './oidcLogin.route.js';

/** Without OIDC_ISSUER, outside production, the portal hosts its own SPID/CIE stand-in. */
export const usesLocalIdentityProvider = (config: Config): boolean =>
  !config.OIDC_ISSUER && config.NODE_ENV !== 'production';

/**
 * The portal's address as main.ts prints it. With PORT=0 it is known only once the server
 * listens, hence a function, called at the first login rather than at start-up.
 */
export function portalUrlOf(app: FastifyInstance, config: Config): () => string {
  return () => {
    if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, '');
    const address = app.server.address();
    if (!address || typeof address === 'string') {
      throw new Error('The portal is not listening yet: its address is unknown');
    }
    return `http://${displayHost(config.HOST)}:${address.port}`;
  };
}

/** SPID/CIE login for the observatory, and the local provider when that is the one in use. */
export function digitalIdentityRoutes(app: FastifyInstance, deps: AppDeps): void {
  const portalUrl = portalUrlOf(app, deps.config);
  const redirectUri = () => `${portalUrl()}${callbackPath}`;
  let settings: () => Promise<OidcClientSettings>;
  if (usesLocalIdentityProvider(deps.config)) {
    let local: Promise<LocalIdentityProvider> | null = null;
    const localProvider = () => {
      const input = { portalUrl: portalUrl(), redirectUri: redirectUri(), logger: deps.logger };
      // Loaded on first use: production (OIDC_ISSUER) never loads oidc-provider.
      local ??= import('../../dev/localIdentityProvider.js').then((module) =>
        module.createLocalIdentityProvider(input),
      );
      return local;
    };
    localIdentityProviderRoutes(app, localProvider);
    settings = async () => {
      const { issuer, clientId, clientSecret } = await localProvider();
      return { issuer, clientId, clientSecret, redirectUri: redirectUri(), allowHttp: true };
    };
  } else {
    const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = deps.config;
    settings = () =>
      Promise.resolve({
        issuer: OIDC_ISSUER ?? '',
        clientId: OIDC_CLIENT_ID ?? '',
        clientSecret: OIDC_CLIENT_SECRET ?? '',
        redirectUri: redirectUri(),
        allowHttp: deps.config.NODE_ENV !== 'production',
      });
  }
  oidcLoginRoutes(app, { ...deps, oidc: cachedOidcClient(settings), portalUrl });
}
