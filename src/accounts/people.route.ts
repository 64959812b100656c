import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { AccountCommand } from '../../domain/accounts/accountDecider.js';
import {
  holds,
  memberRoleDescriptions,
  memberRoleLabels,
  memberRoles,
} from '../../domain/accounts/members.js';
import { listMembers } from '../../projections/accounts/accounts.js';
import { pendingInvitations } from '../../projections/accounts/memberInvitations.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { FormRefused, noFields, noticeOf, paramsOf, submitForm } from '../platform/http/command.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { requiredLine } from '../platform/http/text.js';
import { actingOf, commandContext, requireRole } from './auth.js';
import { ordinaryEmail } from './fields.schema.js';
import { revokeSession, sessionCookie } from './sessions.js';

const role = z.enum(memberRoles, { error: 'Scegliere il ruolo.' });
const inviteSchema = z.object({
  fullName: requiredLine('Indicare nome e cognome.', 100),
  email: requiredLine("Indicare l'indirizzo e-mail.", 254).pipe(ordinaryEmail),
  role,
});
const roleSchema = z.object({ role });
const personParams = z.object({ persona: z.uuid() });
const inviteParams = z.object({ invito: z.uuid() });

const outcomes = {
  invitato: 'Invito inviato: la persona riceverà una e-mail con il link per creare il suo account.',
  ritirato: 'Invito ritirato: il link ricevuto non funziona più.',
  ruolo: 'Ruolo aggiornato: vale dalla prossima pagina che la persona apre.',
  rimosso: 'Persona rimossa: non può più accedere ai dati dell’organizzazione.',
};
const roleOptions = memberRoles.map((value) => ({ value, label: memberRoleLabels[value] }));

/**
 * «Persone»: who works for the organisation and with which role. Administrators invite people by
 * e-mail, change roles and remove people; everyone may leave, except the last administrator.
 */
export function peopleRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const { db } = deps.database;
  const declarants = { preHandler: requireRole('declarant') };
  const base = '/area-riservata/persone';

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Record<string, unknown> = {},
  ) {
    const acting = actingOf(request);
    const manages = holds(acting.role, 'manage');
    return reply.view('accounts/people', {
      title: 'Persone dell’organizzazione',
      me: acting.personId,
      manages,
      members: await listMembers(db, acting.organisationId),
      invitations: manages ? await pendingInvitations(db, acting.organisationId) : [],
      now: deps.clock(),
      roleLabels: memberRoleLabels,
      roleDescriptions: memberRoleDescriptions,
      roleOptions,
      notice: noticeOf(request, outcomes),
      errors,
      values,
    });
  }

  /** A command on the organisation's stream, then back to the page with its outcome. */
  function onOrganisation<S extends z.ZodType>(
    schema: S,
    command: (form: z.output<S>, request: FastifyRequest) => AccountCommand,
    outcome: keyof typeof outcomes,
    afterwards?: (request: FastifyRequest, reply: FastifyReply) => Promise<string | null>,
  ) {
    return async (request: FastifyRequest, reply: FastifyReply) =>
      submitForm(request, reply, deps.projections, {
        schema,
        run: async (form) => {
          const result = await handleCommand(
            deps.eventStore,
            accountDecider,
            accountStream.id(actingOf(request).organisationId),
            command(form, request),
            commandContext(request, deps.clock()),
          ).catch((error: unknown) => {
            // A rule about the organisation as a whole (the last administrator) heads the page.
            if (error instanceof DomainError && error.kind === 'conflict' && !error.field)
              throw new FormRefused({ _form: error.message });
            throw error;
          });
          const elsewhere = afterwards ? await afterwards(request, reply) : null;
          return { position: result.position, redirect: elsewhere ?? `${base}?esito=${outcome}` };
        },
        invalid: (errors, values) => page(request, reply, errors, values),
      });
  }

  app.get(base, declarants, async (request, reply) => page(request, reply));

  app.post(
    `${base}/invita`,
    declarants,
    onOrganisation(
      inviteSchema,
      (form, request) => ({
        type: 'InviteMember',
        by: actingOf(request),
        inviteId: randomUUID(),
        ...form,
        now: deps.clock(),
      }),
      'invitato',
    ),
  );

  app.post(
    `${base}/inviti/:invito/ritira`,
    declarants,
    onOrganisation(
      noFields,
      (_form, request) => ({
        type: 'WithdrawInvitation',
        by: actingOf(request),
        inviteId: paramsOf(inviteParams, request).invito,
      }),
      'ritirato',
    ),
  );

  app.post(
    `${base}/:persona/ruolo`,
    declarants,
    onOrganisation(
      roleSchema,
      (form, request) => ({
        type: 'ChangeMemberRole',
        by: actingOf(request),
        personId: paramsOf(personParams, request).persona,
        role: form.role,
      }),
      'ruolo',
    ),
  );

  app.post(
    `${base}/:persona/rimuovi`,
    declarants,
    onOrganisation(
      noFields,
      (_form, request) => ({
        type: 'RemoveMember',
        by: actingOf(request),
        personId: paramsOf(personParams, request).persona,
      }),
      'rimosso',
      // Whoever leaves is logged out there and then.
      async (request, reply) => {
        if (paramsOf(personParams, request).persona !== request.account!.accountId) return null;
        await revokeSession(db, request.sessionToken!, deps.clock());
        reply.clearCookie(sessionCookie, { path: '/' });
        return '/accesso?esito=uscito';
      },
    ),
  );
}
