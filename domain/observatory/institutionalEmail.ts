import type { Municipality } from './reference/municipalities.js';

/**
 * "Saranno accettate solo account mail istituzionali da parte del comune." Which domains count is
 * configuration (OBSERVATORY_EMAIL_DOMAINS): patterns on the address's domain, where `*` stands
 * for one label, `{comune}` for the municipality's own name as domains spell it and `{provincia}`
 * for its province (`ba`). The default accepts a municipality's own domains only, so an officer of
 * Bari cannot be given an address of Lecce.
 */
export const defaultInstitutionalDomains = [
  'comune.{comune}.it',
  'comune.{comune}.{provincia}.it',
  '*.comune.{comune}.it',
  '*.comune.{comune}.{provincia}.it',
];

/**
 * The labels a municipality's name takes in a domain: accents dropped, words joined or hyphenated
 * ("Sant'Agata di Puglia" → santagatadipuglia, sant-agata-di-puglia; "Nardò" → nardo).
 */
export function domainLabels(name: string): string[] {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return [...new Set([words.join(''), words.join('-')])];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternToRegex(pattern: string, municipality: Municipality | undefined): RegExp | null {
  const labels = pattern.trim().toLowerCase().split('.');
  const parts: string[] = [];
  for (const label of labels) {
    if (label === '*') parts.push('[a-z0-9-]+');
    else if (label === '{comune}' || label === '{provincia}') {
      if (!municipality) return null; // a pattern of the municipality's own domain needs one
      parts.push(
        label === '{comune}'
          ? `(?:${domainLabels(municipality.name).map(escape).join('|')})`
          : escape(municipality.province.toLowerCase()),
      );
    } else parts.push(escape(label.replace(/[^a-z0-9-]/g, '')));
  }
  return new RegExp(`^${parts.join('\\.')}$`);
}

const domainOf = (email: string): string | undefined =>
  /^[^@\s]+@([^@\s]+)$/.exec(email.trim().toLowerCase())?.[1];

/** Whether the address is on an institutional domain, of `municipality` when the patterns say so. */
export function isInstitutionalEmail(
  email: string,
  patterns: readonly string[],
  municipality?: Municipality,
): boolean {
  const domain = domainOf(email);
  if (!domain) return false;
  return patterns.some((pattern) => patternToRegex(pattern, municipality)?.test(domain) ?? false);
}

/** One address the rule accepts, to show as an example: `nome@comune.bari.it`. */
export function exampleInstitutionalEmail(
  patterns: readonly string[],
  municipality: Municipality,
): string | null {
  const concrete = patterns.find((pattern) => !pattern.split('.').includes('*'));
  if (!concrete) return null;
  const domain = concrete
    .trim()
    .toLowerCase()
    .replace('{comune}', domainLabels(municipality.name)[0] ?? '')
    .replace('{provincia}', municipality.province.toLowerCase());
  return `nome@${domain}`;
}
