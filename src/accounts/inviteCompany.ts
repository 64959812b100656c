import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { usernameDecider, usernameStream } from '../../domain/accounts/usernameClaim.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { otpCodes } from './otpCodes.js';
import { hashPassword } from './passwords.js';
import type { Schema } from '../platform/db/schema.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';

/**
 * Invites a company known to the registry: an account "ditta.<customer code>" whose first-access
 * password is derived from the account id (so it is mailed, never stored), sent to its PEC.
 */
export async function inviteCompany(
  deps: { db: Kysely<Schema>; store: EventStore; cookieSecret: string },
  input: { customerCode: string; pec: string },
  context: Omit<CommandContext, 'commandId'>,
): Promise<{ accountId: string; username: string; position: GlobalPosition | null }> {
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
  if (await companyHasAccount(deps.db, input.customerCode)) throw alreadyHasAccount();
  const accountId = randomUUID();
  const username = `ditta.${input.customerCode}`;
  try {
    await handleCommand(
      deps.store,
      usernameDecider,
      usernameStream.id(username),
      { type: 'ClaimUsername', username, accountId },
      { ...context, commandId: randomUUID() },
    );
  } catch (error) {
    if (error instanceof DomainError) throw alreadyHasAccount();
    throw error;
  }
  const invited = await handleCommand(
    deps.store,
    accountDecider,
    accountStream.id(accountId),
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
  return { accountId, username, position: invited.position };
}

const alreadyHasAccount = () =>
  new DomainError(
    'AlreadyInvited',
    'conflict',
    'Questa ditta ha già un account sul portale: non serve invitarla.',
    'customerCode',
  );

/**
 * A Ditta registered (approved or waiting for approval) with this customer code, or an account
 * that already owns one of its contracts: the company is on the portal, an invitation would make a
 * second owner.
 */
async function companyHasAccount(db: Kysely<Schema>, customerCode: string): Promise<boolean> {
  const registered = await db
    .selectFrom('accounts')
    .select('account_id')
    .where('kind', '=', 'ditta')
    .where('status', 'in', ['active', 'awaiting-approval'])
    .where(sql<boolean>`companies @> ${JSON.stringify([{ customerCode }])}::jsonb`)
    .executeTakeFirst();
  if (registered) return true;
  const owned = await db
    .selectFrom('contracts')
    .select('contract_number')
    .where('customer_code', '=', customerCode)
    .where('owner_account_id', 'is not', null)
    .executeTakeFirst();
  return owned !== undefined;
}
