import type { FastifyRequest } from 'fastify';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { CloseAccount } from '../../domain/accounts/closeAccount.js';
import type { AccountsDeps } from '../deps.js';
import { handleCommand, readState } from '../platform/eventStore/commandHandler.js';
import { commandContext } from './auth.js';
import { revokeAllSessions } from './sessions.js';

/**
 * Closes an account and ends its sessions everywhere. A person of someone else's organisation
 * closing their own login also leaves it: whether they may (the last administrator stays) is
 * decided before anything is recorded, then the closure (which ends the login) comes first.
 */
export async function closeAccountOf(
  deps: AccountsDeps,
  request: FastifyRequest,
  accountId: string,
  command: CloseAccount,
) {
  const context = () => commandContext(request, deps.clock());
  const leaving =
    command.by === 'self' && command.passwordOk ? leavingOf(request, accountId) : null;
  if (leaving) {
    const { state } = await readState(deps.eventStore, accountDecider, leaving.streamId);
    accountDecider.decide(leaving.command, state);
  }
  const result = await handleCommand(
    deps.eventStore,
    accountDecider,
    accountStream.id(accountId),
    command,
    context(),
  );
  await revokeAllSessions(deps.database.db, accountId, deps.clock());
  if (leaving)
    await handleCommand(
      deps.eventStore,
      accountDecider,
      leaving.streamId,
      leaving.command,
      context(),
    );
  return result;
}

/** The RemoveMember by which a member person leaves their organisation, if they are one. */
function leavingOf(request: FastifyRequest, accountId: string) {
  const { organisationId, memberRole } = request.account!;
  if (!organisationId || organisationId === accountId || !memberRole) return null;
  return {
    streamId: accountStream.id(organisationId),
    command: {
      type: 'RemoveMember' as const,
      by: { organisationId, personId: accountId, role: memberRole },
      personId: accountId,
    },
  };
}
