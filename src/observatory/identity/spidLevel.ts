/**
 * SPID's levels of assurance as OpenID Connect names them (acr), which CIE's provider uses too:
 * level 1 is a password alone, level 2 adds a second factor, level 3 a smart card or the CIE.
 */
export const spidLevels = {
  1: 'https://www.spid.gov.it/SpidL1',
  2: 'https://www.spid.gov.it/SpidL2',
  3: 'https://www.spid.gov.it/SpidL3',
} as const;

export type SpidLevel = keyof typeof spidLevels;

/** What the Observatory asks for: filings on behalf of a municipality need a second factor. */
export const requiredSpidLevel: SpidLevel = 2;

/** The level an acr names, or null for an acr that names no SPID level. */
export function spidLevelOf(acr: unknown): SpidLevel | null {
  for (const level of [1, 2, 3] as const) if (spidLevels[level] === acr) return level;
  return null;
}
