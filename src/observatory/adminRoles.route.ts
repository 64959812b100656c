import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import {
  observatoryAdminsDecider,
  observatoryAdminsStream,
  type AdminCommand,
} from '../../domain/observatory/observatoryAdmins.js';
import type { ObservatoryDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { paramsOf, submitForm } from '../platform/http/command.js';
import { adminParams, grantAdminSchema, revokeAdminSchema } from './adminForms.schema.js';
import { adminPage, onPage } from './adminPage.js';
import { observatoryContext, requireObservatory } from './observatoryAccess.js';

/** Admins of the observatory grant the role to another person, or revoke it (never the last). */
export function adminRoleRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  const page = adminPage(deps);
  const adminsOnly = { preHandler: requireObservatory(deps, 'admin') };

  const record = async (request: FastifyRequest, command: AdminCommand) =>
    (
      await handleCommand(
        deps.eventStore,
        observatoryAdminsDecider,
        observatoryAdminsStream.id(),
        command,
        observatoryContext(request, deps.clock(), randomUUID()),
      )
    ).position;

  // The decider names the person 'codiceFiscale'; on the page it is the new admin's field.
  const grantFields = { amministratore: 'amministratore', codiceFiscale: 'amministratore' };
  app.post('/admin/amministratori', adminsOnly, async (request, reply) =>
    submitForm(request, reply, deps.projections, {
      schema: grantAdminSchema,
      run: async (form) => ({
        position: await record(request, {
          type: 'GrantObservatoryAdmin',
          fiscalCode: form.amministratore,
          by: `cf:${request.identity!.fiscalCode}`,
        }),
        redirect: '/osservatorio/admin?esito=amministratore#amministratori',
      }),
      invalid: (errors, values) => page(request, reply, onPage(grantFields, errors, values)),
    }),
  );

  app.post('/admin/amministratori/:codiceFiscale/revoca', adminsOnly, async (request, reply) => {
    const { codiceFiscale: fiscalCode } = paramsOf(adminParams, request);
    const me = request.identity!.fiscalCode;
    // Each admin's row has its form; every refusal (the last admin, no reason) shows there.
    const key = `motivo-${fiscalCode}`;
    return submitForm(request, reply, deps.projections, {
      schema: revokeAdminSchema,
      run: async (form) => ({
        position: await record(request, {
          type: 'RevokeObservatoryAdmin',
          fiscalCode,
          by: `cf:${me}`,
          reason: form.motivo,
        }),
        // Whoever revoked their own role is no longer an admin: back to the observatory's door.
        redirect:
          fiscalCode === me ? '/osservatorio' : '/osservatorio/admin?esito=revocato#amministratori',
      }),
      invalid: (errors, values) =>
        page(request, reply, onPage({ motivo: key, codiceFiscale: key }, errors, values)),
    });
  });
}
