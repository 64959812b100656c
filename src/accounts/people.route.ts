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
import { revokeAllSessions, sessionCookie } from './sessions.js';
import { hitRateLimit } from '../platform/http/rateLimit.js';
import { italianDuration } from '../../domain/shared/italianDuration.js';

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
const invitationsPerDay = 20;
const invitationsPerAddressPerDay = 3;
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

  /**
   * A command on the organisation's stream, then back to the page with its outcome. The buttons
   * of a person's row have no field of their own: what refuses them heads the page.
   */
  function onOrganisation<S extends z.ZodType>(
    schema: S,
    command: (form: z.output<S>, request: FastifyRequest) => Promise<AccountCommand>,
    options: {
      outcome: keyof typeof outcomes;
      rowForm?: boolean;
      afterwards?: (request: FastifyRequest, reply: FastifyReply) => Promise<string | null>;
    },
  ) {
    return async (request: FastifyRequest, reply: FastifyReply) =>
      submitForm(request, reply, deps.projections, {
        schema,
        run: async (form) => {
          const result = await handleCommand(
            deps.eventStore,
            accountDecider,
            accountStream.id(actingOf(request).organisationId),
            await command(form, request),
            commandContext(request, deps.clock()),
          ).catch((error: unknown) => {
            // A rule about the organisation as a whole (the last administrator) heads the page.
            if (error instanceof DomainError && error.kind === 'conflict' && !error.field)
              throw new FormRefused({ _form: error.message });
            throw error;
          });
          const elsewhere = options.afterwards ? await options.afterwards(request, reply) : null;
          const redirect = elsewhere ?? `${base}?esito=${options.outcome}`;
          return { position: result.position, redirect };
        },
        invalid: (errors, values) =>
          options.rowForm
            ? page(request, reply, { _form: Object.values(errors)[0] ?? '' })
            : page(request, reply, errors, values),
      });
  }

  /** Each invitation is a mail: an organisation sends a few a day, an address gets a few. */
  async function mustNotFlood(organisationId: string, email: string): Promise<void> {
    const now = deps.clock();
    const day = 24 * 3600;
    const fromOrganisation = await hitRateLimit(
      db,
      `invite:organisation:${organisationId}`,
      { limit: invitationsPerDay, windowSeconds: day },
      now,
    );
    const toAddress = await hitRateLimit(
      db,
      `invite:address:${email.trim().toLowerCase()}`,
      { limit: invitationsPerAddressPerDay, windowSeconds: day },
      now,
    );
    if (!fromOrganisation.allowed)
      throw new FormRefused({
        _form: `Oggi sono già stati inviati ${invitationsPerDay} inviti: riprova tra ${italianDuration(fromOrganisation.retryAfterSeconds)}.`,
      });
    if (!toAddress.allowed)
      throw new FormRefused({
        email: `Questo indirizzo ha già ricevuto ${invitationsPerAddressPerDay} inviti oggi: riprova tra ${italianDuration(toAddress.retryAfterSeconds)}.`,
      });
  }

  app.get(base, declarants, async (request, reply) => page(request, reply));

  /** Removing cannot be undone (a new invitation is needed): asked once more, without script. */
  app.get(`${base}/:persona/rimuovi`, declarants, async (request, reply) => {
    const acting = actingOf(request);
    const personId = paramsOf(personParams, request).persona;
    const self = personId === acting.personId;
    const person = (await listMembers(db, acting.organisationId)).find(
      (member) => member.accountId === personId,
    );
    if (!person || (!self && !holds(acting.role, 'manage'))) return reply.callNotFound();
    return reply.view('accounts/removePerson', {
      title: self ? 'Lascia l’organizzazione' : `Rimuovi ${person.fullName}`,
      self,
      person,
    });
  });

  app.post(
    `${base}/invita`,
    declarants,
    onOrganisation(
      inviteSchema,
      async (form, request) => {
        const by = actingOf(request);
        await mustNotFlood(by.organisationId, form.email);
        return { type: 'InviteMember', by, inviteId: randomUUID(), ...form, now: deps.clock() };
      },
      { outcome: 'invitato' },
    ),
  );

  app.post(
    `${base}/inviti/:invito/ritira`,
    declarants,
    onOrganisation(
      noFields,
      async (_form, request) => ({
        type: 'WithdrawInvitation',
        by: actingOf(request),
        inviteId: paramsOf(inviteParams, request).invito,
      }),
      { outcome: 'ritirato', rowForm: true },
    ),
  );

  app.post(
    `${base}/:persona/ruolo`,
    declarants,
    onOrganisation(
      roleSchema,
      async (form, request) => ({
        type: 'ChangeMemberRole',
        by: actingOf(request),
        personId: paramsOf(personParams, request).persona,
        role: form.role,
      }),
      { outcome: 'ruolo', rowForm: true },
    ),
  );

  app.post(
    `${base}/:persona/rimuovi`,
    declarants,
    onOrganisation(
      noFields,
      async (_form, request) => ({
        type: 'RemoveMember',
        by: actingOf(request),
        personId: paramsOf(personParams, request).persona,
      }),
      {
        outcome: 'rimosso',
        rowForm: true,
        // The person's sessions end there and then; whoever leaves goes to the login page.
        async afterwards(request, reply) {
          const personId = paramsOf(personParams, request).persona;
          await revokeAllSessions(db, personId, deps.clock());
          if (personId !== request.account!.accountId) return null;
          reply.clearCookie(sessionCookie, { path: '/' });
          return '/accesso?esito=uscito';
        },
      },
    ),
  );
}
