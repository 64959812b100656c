/**
 * "Saranno accettate solo account mail istituzionali da parte del comune." Which domains count is
 * configuration (OBSERVATORY_EMAIL_DOMAINS): glob patterns on the address's domain, where `*`
 * stands for one label, e.g. `comune.*.it` or `*.comune.*.it`.
 */
export const defaultInstitutionalDomains = ['comune.*.it', '*.comune.*.it'];

const patternToRegex = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .toLowerCase()
      .split('.')
      .map((label) => (label === '*' ? '[a-z0-9-]+' : label.replace(/[^a-z0-9-]/g, '')))
      .join('\\.')}$`,
  );

export function isInstitutionalEmail(email: string, patterns: readonly string[]): boolean {
  const domain = /^[^@\s]+@([^@\s]+)$/.exec(email.trim().toLowerCase())?.[1];
  return Boolean(domain) && patterns.some((pattern) => patternToRegex(pattern).test(domain!));
}
