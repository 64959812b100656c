import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { DevDeps } from '../deps.js';
import { callbackPath } from '../observatory/identity/loginFlowCookie.js';
import type { LocalIdentityProvider } from './localIdentityProvider.js';
import { localIdentityProviderRoutes } from './localIdentityProvider.route.js';
import { mailboxRoutes, servesLocalMailbox } from './mailbox.route.js';

/** Without OIDC_ISSUER, outside production, the portal hosts its own SPID/CIE stand-in. */
export const usesLocalIdentityProvider = (config: Config): boolean =>
  !config.OIDC_ISSUER && config.NODE_ENV !== 'production';

/** The local SPID/CIE provider, started at its first use. */
export type LocalIdentity = () => Promise<LocalIdentityProvider>;

/** The local provider where the settings ask for it (see above), null where a real one is set. */
export function localIdentityFor(
  deps: Pick<DevDeps, 'config' | 'database' | 'logger'>,
  portalUrl: () => string,
): LocalIdentity | null {
  if (!usesLocalIdentityProvider(deps.config)) return null;
  let local: Promise<LocalIdentityProvider> | null = null;
  return () => {
    const input = {
      db: deps.database.db,
      portalUrl: portalUrl(),
      redirectUri: `${portalUrl()}${callbackPath}`,
      logger: deps.logger,
    };
    // Loaded on first use: production (OIDC_ISSUER) never loads oidc-provider.
    local ??= import('./localIdentityProvider.js').then((module) =>
      module.createLocalIdentityProvider(input),
    );
    return local;
  };
}

/**
 * The stand-ins a developer's machine runs in place of real services: the local mailbox (mail
 * kept in the database) and the local SPID/CIE provider. Each is registered only where the
 * settings ask for it, so production never serves either.
 */
export async function devArea(
  app: FastifyInstance,
  deps: DevDeps & { localIdentity: LocalIdentity | null },
): Promise<void> {
  if (servesLocalMailbox(deps.config)) mailboxRoutes(app, deps);
  if (deps.localIdentity) localIdentityProviderRoutes(app, deps.localIdentity);
}
