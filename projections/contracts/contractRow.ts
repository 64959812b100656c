import type { Selectable } from 'kysely';
import type { ContractState } from '../../domain/contracts/contract.js';
import type { Plant } from '../../domain/contracts/contractEvents.js';
import type {
  ContractNumberChange,
  ContractOwnerRequest,
  ContractsTable,
  PlantChange,
} from '../../src/platform/db/schema.js';

/** A contract as the declarants' and the operators' pages show it. */
export interface ContractRow {
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plant: Plant;
  readonly status: Exclude<ContractState['status'], 'none'>;
  readonly ownerAccountId: string | null;
  /** A Ditta asking to be the owner, waiting for an operator. */
  readonly ownerRequest: ContractOwnerRequest | null;
  readonly managerAccountId: string | null;
  readonly formerManagerIds: readonly string[];
  readonly offeredTo: string | null;
  /** A new number asked for, waiting for an operator. */
  readonly numberChange: ContractNumberChange | null;
  /** A new plant address asked for, waiting for an operator: `plant` is in force until then. */
  readonly plantChange: PlantChange | null;
  readonly renumberedTo: string | null;
  readonly renumberedFrom: string | null;
  readonly declaredAt: string;
  readonly declaredBy: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly rejectionReason: string | null;
}

export const toTableRow = (row: ContractRow) => ({
  contract_number: row.contractNumber,
  customer_code: row.customerCode,
  company_name: row.companyName,
  plant: JSON.stringify(row.plant),
  status: row.status,
  owner_account_id: row.ownerAccountId,
  owner_request: row.ownerRequest ? JSON.stringify(row.ownerRequest) : null,
  manager_account_id: row.managerAccountId,
  former_manager_ids: JSON.stringify(row.formerManagerIds),
  offered_to: row.offeredTo,
  number_change: row.numberChange ? JSON.stringify(row.numberChange) : null,
  plant_change: row.plantChange ? JSON.stringify(row.plantChange) : null,
  renumbered_to: row.renumberedTo,
  renumbered_from: row.renumberedFrom,
  declared_at: row.declaredAt,
  declared_by: row.declaredBy,
  decided_at: row.decidedAt,
  decided_by: row.decidedBy,
  rejection_reason: row.rejectionReason,
});

export const fromTableRow = (row: Selectable<ContractsTable>): ContractRow => ({
  contractNumber: row.contract_number,
  customerCode: row.customer_code,
  companyName: row.company_name,
  plant: row.plant,
  status: row.status as ContractRow['status'],
  ownerAccountId: row.owner_account_id,
  ownerRequest: row.owner_request,
  managerAccountId: row.manager_account_id,
  formerManagerIds: row.former_manager_ids,
  offeredTo: row.offered_to,
  numberChange: row.number_change,
  plantChange: row.plant_change,
  renumberedTo: row.renumbered_to,
  renumberedFrom: row.renumbered_from,
  declaredAt: row.declared_at.toISOString(),
  declaredBy: row.declared_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  decidedBy: row.decided_by,
  rejectionReason: row.rejection_reason,
});
