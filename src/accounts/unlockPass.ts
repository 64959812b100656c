import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the unlock link gives: a pass for the owner's browser, not an erased count. The account's
 * waits stop for this browser alone, for a quarter of an hour; an attacker still waits, and the
 * failures stay counted for the notice after the next good password.
 */
const passCookie = 'dichiara-sblocco';
const passSeconds = 15 * 60;

export function grantUnlockPass(
  reply: FastifyReply,
  accountId: string,
  now: Date,
  { secure }: { secure: boolean },
): void {
  reply.setCookie(passCookie, `${accountId}.${now.getTime() + passSeconds * 1000}`, {
    path: '/accesso',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure,
    maxAge: passSeconds,
  });
}

/** The account whose waits this browser may skip now, if it holds a valid pass. */
export function unlockPassFor(request: FastifyRequest, now: Date): string | null {
  const cookie = request.cookies[passCookie];
  if (!cookie) return null;
  const unsigned = request.unsignCookie(cookie);
  if (!unsigned.valid || !unsigned.value) return null;
  const [accountId, until] = unsigned.value.split('.');
  return accountId && Number(until) > now.getTime() ? accountId : null;
}
