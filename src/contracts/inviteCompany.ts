import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { accountDecider, accountStreamId } from '../../domain/accounts/accountDecider.js';
import { usernameDecider, usernameStreamId } from '../../domain/accounts/usernameClaim.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { otpCodes } from '../accounts/otpCodes.js';
import { hashPassword } from '../accounts/passwords.js';
import type { Schema } from '../db/schema.js';
import { handleCommand, type CommandContext } from '../eventStore/commandHandler.js';
import type { EventStore } from '../eventStore/eventStore.js';

/**
 * Invites a company known to the registry: an account "ditta.<customer code>" whose first-access
 * password is derived from the account id (so it is mailed, never stored), sent to its PEC.
 */
export async function inviteCompany(
  deps: { db: Kysely<Schema>; store: EventStore; cookieSecret: string },
  input: { customerCode: string; pec: string },
  context: Omit<CommandContext, 'commandId'>,
): Promise<{ accountId: string; username: string }> {
  const known = await deps.db
    .selectFrom('utility_registry')
    .select('company_name')
    .where('customer_code', '=', input.customerCode)
    .executeTakeFirst();
  if (!known) {
    throw new DomainError(
      'CustomerUnknown',
      'validation',
      'Codice cliente non presente nell’anagrafica del gestore.',
      'customerCode',
    );
  }
  const accountId = randomUUID();
  const username = `ditta.${input.customerCode}`;
  try {
    await handleCommand(
      deps.store,
      usernameDecider,
      usernameStreamId(username),
      { type: 'ClaimUsername', username, accountId },
      { ...context, commandId: randomUUID() },
    );
  } catch (error) {
    if (error instanceof DomainError)
      throw new DomainError(
        'AlreadyInvited',
        'conflict',
        'Questa ditta ha già un account sul portale.',
        'customerCode',
      );
    throw error;
  }
  await handleCommand(
    deps.store,
    accountDecider,
    accountStreamId(accountId),
    {
      type: 'InviteCompany',
      accountId,
      customerCode: input.customerCode,
      companyName: known.company_name,
      pec: input.pec,
      username,
      passwordHash: await hashPassword(otpCodes(deps.cookieSecret).firstAccessPassword(accountId)),
    },
    { ...context, commandId: randomUUID() },
  );
  return { accountId, username };
}
