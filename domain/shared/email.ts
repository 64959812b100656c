/**
 * E-mail addresses. Registration wants an ordinary mailbox: certified mail (PEC) only accepts
 * messages from other PEC boxes, so the OTP and notices would never arrive.
 */

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// Dot-atom of RFC 5322 (no quoted local parts: nobody types them in a form).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

function splitAddress(value: string): { local: string; domain: string } | undefined {
  const at = value.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { local: value.slice(0, at), domain: value.slice(at + 1) };
}

/** A pragmatic check: local@domain.tld, ASCII, at most 254 characters, no IP literals. */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_ADDRESS_LENGTH) return false;
  const parts = splitAddress(value);
  if (!parts || parts.local.length > MAX_LOCAL_PART_LENGTH) return false;
  if (!LOCAL_PART.test(parts.local)) return false;
  const labels = parts.domain.split('.');
  const topLevel = labels.at(-1) ?? '';
  return (
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL_DOMAIN.test(topLevel)
  );
}

/**
 * Domains of PEC mailboxes sold to the public by the accredited managers (AgID's list of "gestori
 * PEC": Aruba, InfoCert, Poste Italiane, Namirial, Register.it, Actalis, …) and by professional
 * registers. Compiled by hand from the domains these managers and registers are known to use; no
 * official list of every PEC domain exists, so it is not exhaustive and `PEC_LABELS` catches the
 * many institutional domains named pec.*, postacert.*, cert.*. A domain matches itself and its
 * subdomains (cgn.legalmail.it). Only PEC-only domains belong here: a wrong entry would refuse an
 * ordinary mailbox at registration.
 */
export const PEC_PROVIDER_DOMAINS: readonly string[] = [
  'pec.it', // Aruba
  'arubapec.it', // Aruba
  'pec.aruba.it', // Aruba
  'gigapec.it',
  'legalmail.it', // InfoCert (also cert.legalmail.it, pec.legalmail.it, cgn.legalmail.it)
  'postecert.it', // Poste Italiane
  'sicurezzapostale.it', // Namirial
  'registerpec.it', // Register.it
  'actaliscertymail.it', // Actalis
  'pec.actalis.it', // Actalis
  'pecimprese.it',
  'mypec.eu',
  'ingpec.eu', // engineers' register
  'geopec.it', // surveyors' register
  'archiworldpec.it', // architects' register
  'conafpec.it', // agronomists' register
];

/** Whole domain labels that only certified-mail domains use (pec.comune.x.it, x.postacert.it). */
export const PEC_LABELS: readonly string[] = ['pec', 'legalmail', 'cert', 'postacert'];

/** Whether the address is a certified-mail (PEC) box, judged by its domain. */
export function isPecAddress(value: string): boolean {
  if (!isEmailAddress(value)) return false;
  const domain = splitAddress(value)?.domain.toLowerCase() ?? '';
  if (PEC_PROVIDER_DOMAINS.some((known) => domain === known || domain.endsWith(`.${known}`))) {
    return true;
  }
  return domain.split('.').some((label) => PEC_LABELS.includes(label));
}
