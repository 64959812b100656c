import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/shared/domainError.js';
import { observatoryRole, type ObservatoryRole } from '../../projections/observatory/officers.js';
import type { ObservatoryDeps } from '../deps.js';
import type { CommandContext } from '../platform/eventStore/commandHandler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the logged-in digital identity may do in the observatory (set by requireObservatory). */
    observatoryRole: ObservatoryRole | null;
  }
}

/**
 * A preHandler for the observatory's pages: a digital identity must be logged in, and its fiscal
 * code associated with a municipality (officer) or granted the admin role. The municipality comes
 * from that association, never from the URL.
 */
export function requireObservatory(deps: ObservatoryDeps, kind: 'officer' | 'admin') {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const identity = request.identity;
    if (!identity) return reply.redirect('/osservatorio/accesso', 303);
    const role = await observatoryRole(deps.database.db, identity.fiscalCode);
    if (role.kind === 'none') return reply.redirect('/osservatorio', 303);
    if (role.kind !== kind) {
      throw new DomainError(
        'Forbidden',
        'forbidden',
        'Questa pagina è riservata ad altri profili dell’Osservatorio.',
      );
    }
    request.observatoryRole = role;
  };
}

/** Who, when and from where, for the events an observatory request causes. */
export function observatoryContext(
  request: FastifyRequest,
  now: Date,
  commandId: string,
): CommandContext {
  const role = request.observatoryRole;
  return {
    commandId,
    correlationId: request.id,
    actor: {
      id: `cf:${request.identity!.fiscalCode}`,
      role: role?.kind === 'admin' ? 'observatory-admin' : 'municipality-officer',
    },
    clientIp: request.ip,
    now,
  };
}

/** The officer's own municipality. */
export const officerIstat = (request: FastifyRequest): string => {
  const role = request.observatoryRole;
  if (role?.kind !== 'officer')
    throw new DomainError('Forbidden', 'forbidden', 'Profilo non abilitato.');
  return role.istatCode;
};
