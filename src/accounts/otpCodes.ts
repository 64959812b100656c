import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Codes are never stored: each is derived from its challenge id with a key only the server has,
 * so the event log (read by auditors) holds the challenge, not the code, and the mail reactor can
 * still write the code into the mail it sends.
 */
export interface OtpCodes {
  readonly code: (challengeId: string) => string;
  readonly matches: (challengeId: string, typed: string) => boolean;
  /** A token for links (e-mail change), derived the same way. */
  readonly token: (purpose: string, id: string) => string;
  /** Whether a link's token is the one for this purpose and id, compared in constant time. */
  readonly tokenMatches: (purpose: string, id: string, given: string) => boolean;
  /** The first-access password mailed to an invited company; it meets the password rule. */
  readonly firstAccessPassword: (accountId: string) => string;
}

export function otpCodes(serverSecret: string): OtpCodes {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, 'dichiara', 'otp-codes', 32));
  const mac = (text: string) => createHmac('sha256', key).update(text).digest();
  const code = (challengeId: string) =>
    String(mac(`otp:${challengeId}`).readUInt32BE(0) % 1_000_000).padStart(6, '0');
  return {
    code,
    matches(challengeId, typed) {
      const expected = Buffer.from(code(challengeId));
      const given = Buffer.from(typed.replace(/\s/g, '').padEnd(6).slice(0, 6));
      return timingSafeEqual(expected, given);
    },
    token: (purpose, id) => mac(`${purpose}:${id}`).toString('base64url'),
    tokenMatches(purpose, id, given) {
      const expected = Buffer.from(mac(`${purpose}:${id}`).toString('base64url'));
      const typed = Buffer.from(given);
      return typed.length === expected.length && timingSafeEqual(expected, typed);
    },
    firstAccessPassword: (accountId) =>
      `${mac(`first-access:${accountId}`).toString('base64url').slice(0, 12)}-A7`,
  };
}
