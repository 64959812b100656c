import type { ContractState } from './contract.js';
import { contractError, mustExist, reasonOf } from './contractErrors.js';
import type { ContractEvent } from './contractEvents.js';

const ownerExists = () =>
  contractError(
    'OwnerExists',
    'conflict',
    'Il contratto è già collegato all’account di un’altra ditta intestataria.',
  );

export interface LinkContractOwner {
  readonly type: 'LinkContractOwner';
  readonly ownerAccountId: string;
  /** The customer code the operator invited: it must be the contract's. */
  readonly customerCode: string;
}

/** An operator's invitation makes the company's new account the owner of its contracts. */
export function linkContractOwner(
  command: LinkContractOwner,
  state: ContractState,
): ContractEvent[] {
  mustExist(state);
  if (state.customerCode !== command.customerCode) {
    throw contractError(
      'CustomerCodeMismatch',
      'conflict',
      'Il contratto appartiene a un altro codice cliente.',
    );
  }
  if (state.ownerAccountId === command.ownerAccountId) return [];
  if (state.ownerAccountId) throw ownerExists();
  return [{ type: 'ContractOwnerLinked', data: { ownerAccountId: command.ownerAccountId } }];
}

export interface ValidateContractOwner {
  readonly type: 'ValidateContractOwner';
  readonly note: string | null;
}

export interface RejectContractOwner {
  readonly type: 'RejectContractOwner';
  readonly reason: string;
}

const pendingRequest = (state: ContractState) => {
  mustExist(state);
  if (!state.ownerRequest) {
    throw contractError(
      'NoOwnershipRequest',
      'conflict',
      'Non c’è una richiesta di intestazione in attesa per questo contratto.',
    );
  }
  return state.ownerRequest;
};

/** The operator confirms that the Ditta asking is the company the contract belongs to. */
export function validateContractOwner(
  command: ValidateContractOwner,
  state: ContractState,
): ContractEvent[] {
  const request = pendingRequest(state);
  if (state.ownerAccountId) throw ownerExists();
  return [
    {
      type: 'ContractOwnershipValidated',
      data: { ownerAccountId: request.accountId, note: command.note?.trim() || null },
    },
  ];
}

export function rejectContractOwner(
  command: RejectContractOwner,
  state: ContractState,
): ContractEvent[] {
  const request = pendingRequest(state);
  return [
    {
      type: 'ContractOwnershipRejected',
      data: { ownerAccountId: request.accountId, reason: reasonOf(command.reason) },
    },
  ];
}
