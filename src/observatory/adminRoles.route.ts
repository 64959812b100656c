import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import {
  observatoryAdminsDecider,
  observatoryAdminsStreamId,
  type AdminCommand,
} from '../../domain/observatory/observatoryAdmins.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import type { AppDeps } from '../app.js';
import { handleCommand } from '../eventStore/commandHandler.js';
import { seeOther } from '../http/views.js';
import type { AdminPage } from './adminPage.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';

/** Admins of the observatory grant the role to another person, or revoke it (never the last). */
export function adminRoleRoutes(app: FastifyInstance, deps: AppDeps, page: AdminPage): void {
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };

  async function run(
    request: FastifyRequest,
    reply: FastifyReply,
    command: AdminCommand,
    errorKey: string,
    values: Record<string, string>,
  ): Promise<FastifyReply | null> {
    try {
      const result = await handleCommand(
        deps.eventStore,
        observatoryAdminsDecider,
        observatoryAdminsStreamId,
        command,
        observatoryContext(request, deps.clock(), randomUUID()),
      );
      await deps.projections.waitFor(result.position);
      return null;
    } catch (error) {
      if (!(error instanceof DomainError) || !error.field) throw error;
      return page(request, reply, { [errorKey]: error.message }, values);
    }
  }

  app.post('/osservatorio/admin/amministratori', adminsOnly, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const fiscalCode = (body.amministratore ?? '').trim().toUpperCase();
    const values = { amministratore: fiscalCode };
    if (!isValidCodiceFiscale(fiscalCode))
      return page(request, reply, { amministratore: 'Codice fiscale non valido.' }, values);
    const by = `cf:${request.identity!.fiscalCode}`;
    const command: AdminCommand = { type: 'GrantObservatoryAdmin', fiscalCode, by };
    const refused = await run(request, reply, command, 'amministratore', values);
    return (
      refused ?? seeOther(request, reply, '/osservatorio/admin?esito=amministratore#amministratori')
    );
  });

  app.post(
    '/osservatorio/admin/amministratori/:codiceFiscale/revoca',
    adminsOnly,
    async (request, reply) => {
      const fiscalCode = (request.params as { codiceFiscale: string }).codiceFiscale.toUpperCase();
      if (!isValidCodiceFiscale(fiscalCode))
        throw new DomainError('AdminUnknown', 'not-found', 'Amministratore non trovato.');
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      const reason = (body.motivo ?? '').trim();
      const me = request.identity!.fiscalCode;
      const command: AdminCommand = {
        type: 'RevokeObservatoryAdmin',
        fiscalCode,
        by: `cf:${me}`,
        reason,
      };
      const key = `motivo-${fiscalCode}`;
      const refused = await run(request, reply, command, key, { [key]: reason });
      if (refused) return refused;
      // Whoever revoked their own role is no longer an admin: back to the observatory's door.
      return seeOther(
        request,
        reply,
        fiscalCode === me ? '/osservatorio' : '/osservatorio/admin?esito=revocato#amministratori',
      );
    },
  );
}
