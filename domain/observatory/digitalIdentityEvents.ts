import { streamCodec } from '../shared/streamCodec.js';
import type { DomainEvent } from '../shared/decider.js';

/**
 * Facts of a login through the national digital identity: recorded, not decided (no rule can
 * refuse what the identity provider has already vouched for).
 */
export type DigitalIdentityEvent =
  | DomainEvent<
      'DigitalIdentityLoggedIn',
      {
        fiscalCode: string;
        givenName: string;
        familyName: string;
        email: string | null;
        /** The OpenID Connect issuer that vouched for the person (SPID/CIE or the local one). */
        issuer: string;
        /** The SPID level reached (acr); absent in logins recorded before it was asked. */
        level?: number;
      }
    >
  | DomainEvent<'DigitalIdentityLoggedOut', { fiscalCode: string }>;

export const digitalIdentityStream = streamCodec<[fiscalCode: string], DigitalIdentityEvent>(
  'digital-identity-',
  (fiscalCode) => fiscalCode,
);

/** What a SPID/CIE account id puts before the fiscal code. */
export const accountPrefix = 'cf:';

/** The session's account id (and the events' actor id) of a person logged in by fiscal code. */
export const identityAccountId = (fiscalCode: string): string => `${accountPrefix}${fiscalCode}`;

/** The fiscal code of a `cf:` account id; null for the accounts of the password login. */
export const fiscalCodeOfAccount = (accountId: string): string | null =>
  accountId.startsWith(accountPrefix) ? accountId.slice(accountPrefix.length) : null;

export const digitalIdentityRole = 'digital-identity';
