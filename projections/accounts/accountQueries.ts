import type { Kysely } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';

/** Each account's full name by id, for pages that say who did what. */
export async function accountNames(
  db: Kysely<Schema>,
  accountIds: readonly string[],
): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['account_id', 'full_name'])
    .where('account_id', 'in', accountIds)
    .execute();
  return new Map(rows.map((row) => [row.account_id, row.full_name]));
}

/** Someone who asked the operators for something, as the operators' queue names them. */
export interface AccountContact {
  readonly accountId: string;
  readonly fullName: string;
  readonly username: string;
  readonly email: string;
  /** The customer codes an operator already accepted for this account. */
  readonly customerCodes: readonly string[];
}

/** These accounts' names and addresses, for the operators who decide on what they asked. */
export async function accountContacts(
  db: Kysely<Schema>,
  accountIds: readonly string[],
): Promise<AccountContact[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('accounts')
    .select(['account_id', 'full_name', 'username', 'email', 'companies'])
    .where('account_id', 'in', accountIds)
    .execute();
  return rows.map((row) => ({
    accountId: row.account_id,
    fullName: row.full_name,
    username: row.username,
    email: row.email,
    customerCodes: row.companies.map((company) => company.customerCode),
  }));
}
