import * as client from 'openid-client';

export interface OidcClientSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** Plain http for the issuer: only the local provider outside production. */
  readonly allowHttp: boolean;
}

export interface OidcClient {
  readonly settings: OidcClientSettings;
  readonly configuration: client.Configuration;
}

/**
 * The relying party's configuration, discovered once from the issuer's metadata and then kept; a
 * failed discovery is not kept, so the next login tries again.
 */
export function cachedOidcClient(settings: () => Promise<OidcClientSettings>) {
  let pending: Promise<OidcClient> | null = null;
  const discover = async (): Promise<OidcClient> => {
    const resolved = await settings();
    const issuer = new URL(resolved.issuer);
    const configuration = await client.discovery(
      issuer,
      resolved.clientId,
      undefined,
      client.ClientSecretBasic(resolved.clientSecret),
      resolved.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    return { settings: resolved, configuration };
  };
  return (): Promise<OidcClient> => {
    pending ??= discover().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}
