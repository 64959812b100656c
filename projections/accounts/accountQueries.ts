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

/** An account as the auditor's pages name it: who, of which organisation, in which role. */
export interface AccountIdentity {
  readonly accountId: string;
  readonly fullName: string;
  readonly username: string;
  readonly role: string;
  readonly kind: string | null;
  readonly organisationId: string | null;
  /** The names of the companies it declared (a Ditta's own first). */
  readonly companyNames: readonly string[];
}

/** These accounts, and the organisations they belong to, by id. */
export async function accountIdentities(
  db: Kysely<Schema>,
  accountIds: readonly string[],
): Promise<Map<string, AccountIdentity>> {
  const read = async (ids: readonly string[]) =>
    ids.length === 0
      ? []
      : db
          .selectFrom('accounts')
          .select(['account_id', 'full_name', 'username', 'role', 'kind', 'organisation_id'])
          .select('companies')
          .where('account_id', 'in', ids)
          .execute();
  const rows = await read([...new Set(accountIds)]);
  const organisations = rows.flatMap((row) =>
    row.organisation_id && !accountIds.includes(row.organisation_id) ? [row.organisation_id] : [],
  );
  const all = [...rows, ...(await read([...new Set(organisations)]))];
  return new Map(
    all.map((row) => [
      row.account_id,
      {
        accountId: row.account_id,
        fullName: row.full_name,
        username: row.username,
        role: row.role,
        kind: row.kind,
        organisationId: row.organisation_id,
        companyNames: row.companies.map((company) => company.name),
      },
    ]),
  );
}
