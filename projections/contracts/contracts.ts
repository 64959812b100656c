import { sql, type Kysely, type Selectable } from 'kysely';
import {
  evolveContract,
  initialContractState,
  type ContractState,
} from '../../domain/contracts/contract.js';
import type { ContractEvent, Plant } from '../../domain/contracts/contractEvents.js';
import type { ContractsTable, Schema } from '../../src/db/schema.js';
import type { RecordedEvent } from '../../src/eventStore/eventStore.js';
import { rowProjection } from '../../src/projections/rowProjection.js';

/** A contract as the declarants' and the operators' pages show it. */
export interface ContractRow {
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plant: Plant;
  readonly status: Exclude<ContractState['status'], 'none'>;
  readonly ownerAccountId: string | null;
  readonly managerAccountId: string | null;
  readonly formerManagerIds: readonly string[];
  readonly offeredTo: string | null;
  readonly declaredAt: string;
  readonly declaredBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly rejectionReason: string | null;
}

const prefix = 'contract-';

/** The row follows the decider's own state, so pages and rules never disagree. */
export function evolveContractRow(
  row: ContractRow | undefined,
  recorded: RecordedEvent,
): ContractRow | undefined {
  const event = recorded as unknown as ContractEvent;
  const at = recorded.metadata.occurredAt;
  const by = recorded.metadata.actor.id;
  const before: ContractState = row
    ? {
        ...initialContractState(),
        ...row,
        managerId: row.managerAccountId,
        customerCode: row.customerCode,
      }
    : initialContractState();
  const after = evolveContract(before, event);
  if (after.status === 'none') return row;
  const base: ContractRow =
    event.type === 'ContractDeclared'
      ? {
          ...event.data,
          status: 'pending',
          ownerAccountId: null,
          managerAccountId: null,
          formerManagerIds: [],
          offeredTo: null,
          declaredAt: at,
          declaredBy: event.data.declaredBy.accountId,
          decidedAt: null,
          decidedBy: null,
          rejectionReason: null,
        }
      : row!;
  const decided = event.type === 'ContractValidated' || event.type === 'ContractRejected';
  return {
    ...base,
    status: after.status,
    ownerAccountId: after.ownerAccountId,
    managerAccountId: after.managerId,
    formerManagerIds: after.formerManagerIds,
    offeredTo: after.offeredTo,
    decidedAt: decided ? at : base.decidedAt,
    decidedBy: decided ? by : base.decidedBy,
    rejectionReason: event.type === 'ContractRejected' ? event.data.reason : base.rejectionReason,
  };
}

export const contractsProjection = rowProjection<ContractRow>({
  name: 'contracts',
  keyOf: (event) =>
    event.streamId.startsWith(prefix) ? event.streamId.slice(prefix.length) : null,
  evolve: evolveContractRow,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('contracts')
      .selectAll()
      .where('contract_number', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.contract_number, fromTableRow(row)]));
  },
  async save(trx, rows) {
    for (const row of rows) {
      const values = toTableRow(row);
      await trx
        .insertInto('contracts')
        .values(values)
        .onConflict((oc) => oc.column('contract_number').doUpdateSet(values))
        .execute();
    }
  },
  async reset(trx) {
    await trx.deleteFrom('contracts').execute();
  },
});

const toTableRow = (row: ContractRow) => ({
  contract_number: row.contractNumber,
  customer_code: row.customerCode,
  company_name: row.companyName,
  plant: JSON.stringify(row.plant),
  status: row.status,
  owner_account_id: row.ownerAccountId,
  manager_account_id: row.managerAccountId,
  former_manager_ids: JSON.stringify(row.formerManagerIds),
  offered_to: row.offeredTo,
  declared_at: row.declaredAt,
  declared_by: row.declaredBy,
  decided_at: row.decidedAt,
  decided_by: row.decidedBy,
  rejection_reason: row.rejectionReason,
});

const fromTableRow = (row: Selectable<ContractsTable>): ContractRow => ({
  contractNumber: row.contract_number,
  customerCode: row.customer_code,
  companyName: row.company_name,
  plant: row.plant,
  status: row.status as ContractRow['status'],
  ownerAccountId: row.owner_account_id,
  managerAccountId: row.manager_account_id,
  formerManagerIds: row.former_manager_ids,
  offeredTo: row.offered_to,
  declaredAt: row.declared_at.toISOString(),
  declaredBy: row.declared_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  decidedBy: row.decided_by,
  rejectionReason: row.rejection_reason,
});

/** The contracts an account manages, owns, is offered, or managed before (it reads what it filed). */
export async function contractsOf(db: Kysely<Schema>, accountId: string): Promise<ContractRow[]> {
  const rows = await db
    .selectFrom('contracts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('manager_account_id', '=', accountId),
        eb('owner_account_id', '=', accountId),
        eb('offered_to', '=', accountId),
        sql<boolean>`former_manager_ids @> ${JSON.stringify([accountId])}::jsonb`,
      ]),
    )
    .orderBy('company_name')
    .orderBy('contract_number')
    .execute();
  return rows.map(fromTableRow);
}

/** The operators' queue: declared contracts waiting for validation, oldest first. */
export async function pendingContracts(db: Kysely<Schema>): Promise<ContractRow[]> {
  const rows = await db
    .selectFrom('contracts')
    .selectAll()
    .where('status', '=', 'pending')
    .orderBy('declared_at')
    .execute();
  return rows.map(fromTableRow);
}

/**
 * Declared contracts someone already manages. A Ditta may declare its own (same customer code):
 * it becomes the owner and can take the management over.
 */
export async function contractsManagedByOthers(
  db: Kysely<Schema>,
  kind: 'ditta' | 'studio',
  pairs: readonly { customerCode: string; contractNumber: string }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await db
    .selectFrom('contracts')
    .select(['contract_number', 'customer_code', 'owner_account_id'])
    .where(
      'contract_number',
      'in',
      pairs.map((pair) => pair.contractNumber),
    )
    .where('status', 'in', ['pending', 'validated'])
    .execute();
  const ownable = (row: (typeof rows)[number]) =>
    kind === 'ditta' &&
    !row.owner_account_id &&
    pairs.some(
      (pair) =>
        pair.contractNumber === row.contract_number && pair.customerCode === row.customer_code,
    );
  return new Set(rows.filter((row) => !ownable(row)).map((row) => row.contract_number));
}

export interface ContractView extends ContractRow {
  readonly managerName: string | null;
  readonly managerEmail: string | null;
}

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
    const manager = contract.managerAccountId ? byId.get(contract.managerAccountId) : undefined;
    return {
      ...contract,
      managerName: manager?.full_name ?? null,
      managerEmail: manager?.email ?? null,
    };
  });
}
