import { isValidCodiceFiscale, normalizeTaxId } from '../../../domain/shared/italianIdentifiers.js';

/**
 * Where identity providers put the fiscal code: OpenID Connect gateways `fiscal_number`, SPID's
 * SAML attribute name `fiscalNumber`, the SPID/CIE OpenID Connect profile its attribute URI.
 */
const fiscalCodeClaims = [
  'fiscal_number',
  'fiscalNumber',
  'https://attributes.eid.gov.it/fiscal_number',
] as const;

/** The person's codice fiscale ("TINIT-" prefix removed), or null when none is valid. */
export function fiscalCodeFromClaims(claims: Readonly<Record<string, unknown>>): string | null {
  for (const name of fiscalCodeClaims) {
    const value = claims[name];
    if (typeof value !== 'string') continue;
    const code = normalizeTaxId(value).replace(/^TINIT-/, '');
    if (/^[A-Z0-9]{16}$/.test(code) && isValidCodiceFiscale(code)) return code;
  }
  return null;
}

export interface IdentityClaims {
  readonly fiscalCode: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string | null;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;

/**
 * The person as the portal records them: ID token claims first, userinfo for what they lack
 * (providers put the profile in one or the other). Null without a valid personal fiscal code.
 */
export function identityFromClaims(
  ...sources: readonly Readonly<Record<string, unknown>>[]
): IdentityClaims | null {
  const pick = (...names: string[]) => {
    for (const source of sources)
      for (const name of names) {
        const value = text(source[name]);
        if (value) return value;
      }
    return null;
  };
  const fiscalCode = sources.map(fiscalCodeFromClaims).find((code) => code !== null) ?? null;
  if (!fiscalCode) return null;
  return {
    fiscalCode,
    givenName: pick('given_name', 'name') ?? '',
    familyName: pick('family_name', 'familyName') ?? '',
    email: pick('email')?.toLowerCase() ?? null,
  };
}
