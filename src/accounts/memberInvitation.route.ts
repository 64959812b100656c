import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { memberRoleDescriptions, memberRoleLabels } from '../../domain/accounts/members.js';
import { usernameDecider, usernameStream } from '../../domain/accounts/usernameClaim.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { passwordRuleText } from '../../domain/shared/password.js';
import { findAccountByUsername } from '../../projections/accounts/accounts.js';
import {
  findInvitation,
  type InvitationRow,
} from '../../projections/accounts/memberInvitations.js';
import type { AccountsDeps } from '../deps.js';
import type { GlobalPosition } from '../platform/eventStore/eventStore.js';
import {
  handleCommand,
  readState,
  type CommandContext,
} from '../platform/eventStore/commandHandler.js';
import { FormRefused, queryOf, submitForm } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { secret } from '../platform/http/text.js';
import { commandContext } from './auth.js';
import { newPassword, samePasswordTwice, username } from './fields.schema.js';
import { otpCodes } from './otpCodes.js';
import { hashPassword } from './passwords.js';

const linkFields = {
  organizzazione: z.uuid(),
  invito: z.uuid(),
  token: z.string().regex(/^[\w-]{10,100}$/),
};
const linkQuery = z.object(linkFields);
const acceptSchema = z
  .object({ ...linkFields, username, password: newPassword, passwordConfirm: secret() })
  .refine(...samePasswordTwice);
type Link = z.output<typeof linkQuery>;

/**
 * The link an invited person receives: they choose their own username and password, and join the
 * organisation with the role they were invited to. The person's account id is the invitation's,
 * so the link makes one account at most; a second try (a double click, or after a failure in
 * between) completes the first with the login chosen then.
 */
export function memberInvitationRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const codes = otpCodes(deps.cookieSecret);
  const { db } = deps.database;

  /** The invitation the link names, if genuine, still pending and not expired. */
  async function invitationOf(link: Link): Promise<InvitationRow | null> {
    if (!codes.tokenMatches('invite', link.invito, link.token)) return null;
    const invitation = await findInvitation(db, link.invito);
    const usable =
      invitation?.status === 'pending' &&
      invitation.organisationId === link.organizzazione &&
      Date.parse(invitation.expiresAt) > deps.clock().getTime();
    return usable ? invitation : null;
  }

  function render(
    reply: FastifyReply,
    link: Link,
    invitation: InvitationRow | null,
    errors: FieldErrors = {},
    values: Record<string, unknown> = {},
  ) {
    return reply.code(invitation ? reply.statusCode : 410).view('accounts/memberInvitation', {
      title: 'Invito a far parte di un’organizzazione',
      link,
      invitation,
      role: invitation && {
        label: memberRoleLabels[invitation.role],
        description: memberRoleDescriptions[invitation.role],
      },
      passwordRuleText,
      errors,
      values,
    });
  }

  app.get('/accesso/invito', async (request, reply) => {
    const link = queryOf(linkQuery, request);
    return render(reply, link, await invitationOf(link));
  });

  app.post('/accesso/invito', async (request, reply) => {
    const linkOnly = linkQuery.safeParse(request.body);
    if (!linkOnly.success) return reply.callNotFound();
    const invitation = await invitationOf(linkOnly.data);
    if (!invitation) return render(reply, linkOnly.data, null);
    return submitForm(request, reply, deps.projections, {
      schema: acceptSchema,
      run: async (form) => {
        const context = commandContext(request, deps.clock());
        const position = await join(invitation, form, context);
        return { position, redirect: '/accesso?esito=benvenuto' };
      },
      invalid: (errors, values) => render(reply, linkOnly.data, invitation, errors, values),
    });
  });

  async function join(
    invitation: InvitationRow,
    form: z.output<typeof acceptSchema>,
    context: CommandContext,
  ): Promise<GlobalPosition | null> {
    const personId = invitation.inviteId;
    // From the first step the person acts: the log says who joined, for which organisation.
    const actor = { id: personId, role: 'declarant', organisationId: invitation.organisationId };
    // Ids from the invitation: a retry or a second click repeats the same commands.
    const step = (name: string) => ({ ...context, actor, commandId: `${personId}:${name}` });
    const personStream = accountStream.id(personId);
    let { state: account } = await readState(deps.eventStore, accountDecider, personStream);
    if (account.status === 'none') {
      const owner = await findAccountByUsername(db, form.username);
      if (owner && owner.accountId !== personId) {
        throw new FormRefused({
          username: 'Questo nome utente è già in uso: sceglierne un altro.',
        });
      }
      await handleCommand(
        deps.eventStore,
        usernameDecider,
        usernameStream.id(form.username),
        { type: 'ClaimUsername', username: form.username, accountId: personId },
        step(`username:${form.username.toLowerCase()}`),
      );
      const { state: organisation } = await readState(
        deps.eventStore,
        accountDecider,
        accountStream.id(invitation.organisationId),
      );
      const created = await handleCommand(
        deps.eventStore,
        accountDecider,
        personStream,
        {
          type: 'CreateMemberAccount',
          accountId: personId,
          organisationId: invitation.organisationId,
          inviteId: invitation.inviteId,
          kind: organisation.kind ?? 'ditta',
          fullName: invitation.fullName,
          email: invitation.email,
          username: form.username,
          passwordHash: await hashPassword(form.password),
        },
        step('account'),
      ).catch(async (error: unknown) => {
        // A try in parallel made it first: this one goes on with what that one made.
        if (!(error instanceof DomainError && error.code === 'AccountAlreadyExists')) throw error;
        return readState(deps.eventStore, accountDecider, personStream);
      });
      account = created.state;
    }
    // An earlier try made the account and stopped before joining: it joins with that login.
    if (account.username?.toLowerCase() !== form.username.trim().toLowerCase()) {
      throw new FormRefused({
        username: `L’account di questo invito è già stato creato con il nome utente «${account.username}»: scrivi quello e la password scelta allora.`,
      });
    }
    const joined = await handleCommand(
      deps.eventStore,
      accountDecider,
      accountStream.id(invitation.organisationId),
      { type: 'JoinOrganisation', inviteId: invitation.inviteId, personId, now: context.now },
      step('join'),
    );
    return joined.position;
  }
}
