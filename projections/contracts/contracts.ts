import { contractStream } from '../../domain/contracts/contractDecider.js';
import {
  evolveContract,
  initialContractState,
  type ContractState,
} from '../../domain/contracts/contract.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';
import { fromTableRow, toTableRow, type ContractRow } from './contractRow.js';

export type { ContractRow } from './contractRow.js';
export {
  contractsManagedByOthers,
  contractsOf,
  contractsWithManagers,
  operatorQueue,
  type ContractRelation,
  type ContractView,
  type QueueItem,
} from './contractQueries.js';

/** The decider's state as far as the row knows it (declarations are not needed here). */
export const stateOf = (row: ContractRow | undefined): ContractState =>
  row
    ? {
        ...initialContractState(),
        status: row.status,
        contractNumber: row.contractNumber,
        customerCode: row.customerCode,
        companyName: row.companyName,
        plant: row.plant,
        ownerAccountId: row.ownerAccountId,
        ownerRequest: row.ownerRequest ? { accountId: row.ownerRequest.accountId } : null,
        managerId: row.managerAccountId,
        formerManagerIds: row.formerManagerIds,
        offeredTo: row.offeredTo,
        numberChange: row.numberChange
          ? {
              newContractNumber: row.numberChange.newContractNumber,
              requestedBy: row.numberChange.requestedBy,
            }
          : null,
        plantChange: row.plantChange
          ? { plant: row.plantChange.plant, requestedBy: row.plantChange.requestedBy }
          : null,
        renumberedTo: row.renumberedTo,
        renumberedFrom: row.renumberedFrom,
      }
    : initialContractState();

/** The first row of a stream: declared by a referent, or carried over from a changed number. */
function startRow(event: ContractEvent, at: string, by: string): ContractRow | undefined {
  const blank = {
    ownerAccountId: null,
    ownerRequest: null,
    managerAccountId: null,
    formerManagerIds: [],
    offeredTo: null,
    numberChange: null,
    plantChange: null,
    renumberedTo: null,
    renumberedFrom: null,
    declaredAt: at,
    decidedAt: null,
    decidedBy: null,
    rejectionReason: null,
  };
  if (event.type === 'ContractDeclared') {
    const { contractNumber, customerCode, companyName, plant, declaredBy } = event.data;
    return {
      ...blank,
      ...{ contractNumber, customerCode, companyName, plant },
      status: 'pending',
      declaredBy: declaredBy.accountId,
    };
  }
  if (event.type === 'ContractRenumbered') {
    const { contractNumber, customerCode, companyName, plant, requestedBy } = event.data;
    return {
      ...blank,
      ...{ contractNumber, customerCode, companyName, plant },
      status: 'validated',
      declaredBy: requestedBy,
      decidedAt: at,
      decidedBy: by,
    };
  }
  return undefined;
}

/** The row follows the decider's own state, so pages and rules never disagree. */
export function evolveContractRow(
  row: ContractRow | undefined,
  event: Recorded<ContractEvent>,
): ContractRow | undefined {
  const at = event.metadata.occurredAt;
  const by = event.metadata.actor.id;
  const after = evolveContract(stateOf(row), event);
  const base = startRow(event, at, by) ?? row;
  if (after.status === 'none' || !base) return row;
  const decided = event.type === 'ContractValidated' || event.type === 'ContractRejected';
  return {
    ...base,
    status: after.status,
    companyName: after.companyName ?? base.companyName,
    plant: after.plant ?? base.plant,
    ownerAccountId: after.ownerAccountId,
    ownerRequest: after.ownerRequest
      ? event.type === 'ContractOwnershipRequested'
        ? { accountId: after.ownerRequest.accountId, requestedAt: at }
        : base.ownerRequest
      : null,
    managerAccountId: after.managerId,
    formerManagerIds: after.formerManagerIds,
    offeredTo: after.offeredTo,
    numberChange: after.numberChange
      ? event.type === 'ContractNumberChangeRequested'
        ? { ...after.numberChange, requestedAt: at }
        : base.numberChange
      : null,
    plantChange: after.plantChange
      ? event.type === 'PlantAddressChangeRequested'
        ? { ...after.plantChange, requestedAt: at }
        : base.plantChange
      : null,
    renumberedTo: after.renumberedTo,
    renumberedFrom: after.renumberedFrom,
    decidedAt: decided ? at : base.decidedAt,
    decidedBy: decided ? by : base.decidedBy,
    rejectionReason: event.type === 'ContractRejected' ? event.data.reason : base.rejectionReason,
  };
}

export const contractsProjection = rowProjection({
  name: 'contracts',
  follows: contractStream.holds,
  keyOf: (event) => contractStream.parse(event.streamId),
  evolve: evolveContractRow,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('contracts')
      .selectAll()
      .where('contract_number', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.contract_number, fromTableRow(row)]));
  },
  save: (trx, rows) => upsertRows(trx, 'contracts', ['contract_number'], rows.map(toTableRow)),
  table: 'contracts',
});
