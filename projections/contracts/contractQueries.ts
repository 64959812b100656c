import { sql, type Kysely, type Selectable } from 'kysely';
import { mayReceiveOffer } from '../../domain/contracts/contractPermissions.js';
import type { ContractsTable, Schema } from '../../src/platform/db/schema.js';
import { findAccountByUsername } from '../accounts/accounts.js';
import type { Plant } from '../../domain/contracts/contractEvents.js';
import { fromTableRow, type ContractRow } from './contractRow.js';

/** The contracts an account manages, owns, is offered, asked to own, or managed before. */
export async function contractsOf(db: Kysely<Schema>, accountId: string): Promise<ContractRow[]> {
  const rows = await db
    .selectFrom('contracts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('manager_account_id', '=', accountId),
        eb('owner_account_id', '=', accountId),
        eb('offered_to', '=', accountId),
        eb(sql<string>`owner_request->>'accountId'`, '=', accountId),
        sql<boolean>`former_manager_ids @> ${JSON.stringify([accountId])}::jsonb`,
      ]),
    )
    .orderBy('company_name')
    .orderBy('contract_number')
    .execute();
  return rows.map(fromTableRow);
}

/** A contract's company, customer code and plant, for the declaration wizard and templates. */
export async function contractHeading(
  db: Kysely<Schema>,
  contractNumber: string,
): Promise<Pick<Selectable<ContractsTable>, 'company_name' | 'customer_code' | 'plant'>> {
  return db
    .selectFrom('contracts')
    .select(['company_name', 'customer_code', 'plant'])
    .where('contract_number', '=', contractNumber)
    .executeTakeFirstOrThrow();
}

/** A contract's number, company and customer code, or undefined when the portal has no such row. */
export async function contractCompany(
  db: Kysely<Schema>,
  contractNumber: string,
): Promise<
  Pick<Selectable<ContractsTable>, 'contract_number' | 'company_name' | 'customer_code'> | undefined
> {
  return db
    .selectFrom('contracts')
    .select(['contract_number', 'company_name', 'customer_code'])
    .where('contract_number', '=', contractNumber)
    .executeTakeFirst();
}

export type QueueItem =
  | { readonly kind: 'contract'; readonly contract: ContractRow; readonly since: string }
  | {
      readonly kind: 'owner';
      readonly contract: ContractRow;
      readonly since: string;
      readonly accountId: string;
    }
  | {
      readonly kind: 'number';
      readonly contract: ContractRow;
      readonly since: string;
      readonly newContractNumber: string;
      readonly requestedBy: string;
    }
  | {
      readonly kind: 'plant';
      readonly contract: ContractRow;
      readonly since: string;
      readonly plant: Plant;
      readonly requestedBy: string;
    };

/**
 * The operators' queue, oldest first: new contracts, Ditte asking to be a contract's owner,
 * changed contract numbers and plant addresses.
 */
export async function operatorQueue(db: Kysely<Schema>): Promise<QueueItem[]> {
  const rows = await db
    .selectFrom('contracts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        eb('owner_request', 'is not', null),
        eb('number_change', 'is not', null),
        eb('plant_change', 'is not', null),
      ]),
    )
    .execute();
  const items = rows.map(fromTableRow).flatMap((contract): QueueItem[] => [
    ...(contract.status === 'pending'
      ? [{ kind: 'contract' as const, contract, since: contract.declaredAt }]
      : []),
    ...(contract.ownerRequest
      ? [
          {
            kind: 'owner' as const,
            contract,
            since: contract.ownerRequest.requestedAt,
            accountId: contract.ownerRequest.accountId,
          },
        ]
      : []),
    ...(contract.numberChange
      ? [
          {
            kind: 'number' as const,
            contract,
            since: contract.numberChange.requestedAt,
            ...contract.numberChange,
          },
        ]
      : []),
    ...(contract.plantChange
      ? [
          {
            kind: 'plant' as const,
            contract,
            since: contract.plantChange.requestedAt,
            ...contract.plantChange,
          },
        ]
      : []),
  ]);
  return items.sort((a, b) => a.since.localeCompare(b.since));
}

/**
 * Declared contracts someone already manages. A Ditta may declare its own (same customer code,
 * no owner yet, nobody else asking): an operator then confirms it as the owner.
 */
export async function contractsManagedByOthers(
  db: Kysely<Schema>,
  kind: 'ditta' | 'studio',
  pairs: readonly { customerCode: string; contractNumber: string }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await db
    .selectFrom('contracts')
    .select(['contract_number', 'customer_code', 'owner_account_id', 'owner_request'])
    .where(
      'contract_number',
      'in',
      pairs.map((pair) => pair.contractNumber),
    )
    .where('status', 'in', ['pending', 'validated', 'renumbered'])
    .execute();
  const ownable = (row: (typeof rows)[number]) =>
    kind === 'ditta' &&
    !row.owner_account_id &&
    !row.owner_request &&
    pairs.some(
      (pair) =>
        pair.contractNumber === row.contract_number && pair.customerCode === row.customer_code,
    );
  return new Set(rows.filter((row) => !ownable(row)).map((row) => row.contract_number));
}

/** How an account stands to a contract; the first that applies. */
export type ContractRelation = 'manager' | 'owner' | 'offered' | 'requested' | 'former';

export interface ContractView extends ContractRow {
  readonly relation: ContractRelation;
  /** Null when the account may not know who manages it (a former manager, an owner to confirm). */
  readonly managerName: string | null;
  readonly managerEmail: string | null;
}

const relationOf = (contract: ContractRow, accountId: string): ContractRelation =>
  contract.managerAccountId === accountId
    ? 'manager'
    : contract.ownerAccountId === accountId
      ? 'owner'
      : contract.offeredTo === accountId
        ? 'offered'
        : contract.ownerRequest?.accountId === accountId
          ? 'requested'
          : 'former';

/** An account's contracts with who manages each one, for the "Contratti" page. */
export async function contractsWithManagers(
  db: Kysely<Schema>,
  accountId: string,
): Promise<ContractView[]> {
  const contracts = await contractsOf(db, accountId);
  const managerIds = [...new Set(contracts.flatMap((contract) => contract.managerAccountId ?? []))];
  const managers = managerIds.length
    ? await db
        .selectFrom('accounts')
        .select(['account_id', 'full_name', 'email'])
        .where('account_id', 'in', managerIds)
        .execute()
    : [];
  const byId = new Map(managers.map((manager) => [manager.account_id, manager]));
  return contracts.map((contract) => {
    const relation = relationOf(contract, accountId);
    const known = relation !== 'former' && relation !== 'requested';
    const manager =
      known && contract.managerAccountId ? byId.get(contract.managerAccountId) : undefined;
    return {
      ...contract,
      relation,
      managerName: manager?.full_name ?? null,
      managerEmail: manager?.email ?? null,
    };
  });
}

/** The account a company may offer its contracts to, by username; null if there is none. */
export async function offerableConsultant(
  db: Kysely<Schema>,
  username: string,
): Promise<string | null> {
  // Any person of the studio names it: the offer goes to the organisation.
  const account = username ? await findAccountByUsername(db, username) : null;
  return account?.memberRole && mayReceiveOffer(account) ? account.organisationId : null;
}

/** The company of each of these contracts, by number, and each customer code's company name. */
export async function contractCompanies(
  db: Kysely<Schema>,
  contractNumbers: readonly string[],
  customerCodes: readonly string[],
): Promise<{ byContract: Map<string, string>; byCustomer: Map<string, string> }> {
  if (contractNumbers.length === 0 && customerCodes.length === 0)
    return { byContract: new Map(), byCustomer: new Map() };
  const rows = await db
    .selectFrom('contracts')
    .select(['contract_number', 'customer_code', 'company_name'])
    .where((eb) =>
      eb.or([
        ...(contractNumbers.length ? [eb('contract_number', 'in', contractNumbers)] : []),
        ...(customerCodes.length ? [eb('customer_code', 'in', customerCodes)] : []),
      ]),
    )
    .execute();
  return {
    byContract: new Map(rows.map((row) => [row.contract_number, row.company_name])),
    byCustomer: new Map(rows.map((row) => [row.customer_code, row.company_name])),
  };
}
