import { randomUUID } from 'node:crypto';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { Role } from '../../domain/accounts/accountEvents.js';
import { usernameDecider, usernameStream } from '../../domain/accounts/usernameClaim.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { hashPassword } from './passwords.js';

export type StaffRole = Exclude<Role, 'declarant'>;
export const staffRoles: readonly StaffRole[] = ['operator', 'auditor', 'admin'];

export interface NewStaffAccount {
  readonly role: StaffRole;
  readonly username: string;
  readonly fullName: string;
  readonly email: string;
  readonly password: string;
}

/** Claims the username, then creates the account; the same commands whoever calls it. */
export async function createStaffAccount(
  store: EventStore,
  input: NewStaffAccount,
  context: Omit<CommandContext, 'commandId'>,
): Promise<string> {
  const accountId = randomUUID();
  await handleCommand(
    store,
    usernameDecider,
    usernameStream.id(input.username),
    { type: 'ClaimUsername', username: input.username, accountId },
    { ...context, commandId: randomUUID() },
  );
  await handleCommand(
    store,
    accountDecider,
    accountStream.id(accountId),
    {
      type: 'CreateStaffAccount',
      accountId,
      role: input.role,
      fullName: input.fullName,
      email: input.email,
      username: input.username,
      passwordHash: await hashPassword(input.password),
    },
    { ...context, commandId: randomUUID() },
  );
  return accountId;
}

/** The actor of what the command line and the demo seed do. */
export const systemContext = (now: Date): Omit<CommandContext, 'commandId'> => ({
  correlationId: randomUUID(),
  actor: { id: 'system', role: 'system' },
  clientIp: null,
  now,
});
