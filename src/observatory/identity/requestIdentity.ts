import type { FastifyReply, FastifyRequest } from 'fastify';

/** The person of a digital-identity session (SPID/CIE): what `request.identity` holds. */
export interface RequestIdentity {
  readonly fiscalCode: string;
  readonly givenName: string;
  readonly familyName: string;
}

/** The observatory's pages are under this prefix (src/observatory/index.ts registers them so). */
export const observatoryPrefix = '/osservatorio';

/** The SPID/CIE login: its route within the prefix, and the address the pages link to. */
export const loginRoute = '/accesso';
export const loginPath = `${observatoryPrefix}${loginRoute}`;

/**
 * A preHandler for the observatory's pages: visitors go to the SPID/CIE login (and come back to
 * the page they asked for after). Which municipality or role the fiscal code has is for the page to check.
 */
export function requireIdentity() {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.identity) {
      // Back to a page after the login; a form posted without a session is not posted again.
      const after = request.method === 'GET' ? `?dopo=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`${loginPath}${after}`, 303);
    }
  };
}
