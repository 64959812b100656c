import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { observatoryPrefix } from './requestIdentity.js';

/** Where the provider sends the browser back: the route within the prefix, and the full path. */
export const callbackRoute = '/callback';
export const callbackPath = `${observatoryPrefix}${callbackRoute}`;
const cookieName = 'dichiara-oidc';
const maxAgeSeconds = 10 * 60;

/** What the callback must find again: the checks of the authorization request it answers. */
const loginFlowSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43),
  after: z.string(),
});
export type LoginFlow = z.infer<typeof loginFlowSchema>;

/**
 * Signed (not readable by scripts, not forgeable), sent only to the callback, for ten minutes.
 * SameSite=Lax still lets the provider's top-level redirect back carry it.
 */
export function setLoginFlow(reply: FastifyReply, flow: LoginFlow, secure: boolean): void {
  reply.setCookie(cookieName, Buffer.from(JSON.stringify(flow)).toString('base64url'), {
    path: callbackPath,
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure,
    maxAge: maxAgeSeconds,
  });
}

/** The flow this browser started, or null (none, expired, tampered with). Used once: cleared. */
export function takeLoginFlow(request: FastifyRequest, reply: FastifyReply): LoginFlow | null {
  const cookie = request.cookies[cookieName];
  reply.clearCookie(cookieName, { path: callbackPath });
  const unsigned = cookie ? request.unsignCookie(cookie) : null;
  if (!unsigned?.valid || !unsigned.value) return null;
  try {
    const parsed = loginFlowSchema.safeParse(
      JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
