import type { ContractState } from './contract.js';
import { contractError } from './contractErrors.js';
import type { ContractEvent, Party, Plant } from './contractEvents.js';

export interface DeclareContract {
  readonly type: 'DeclareContract';
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plant: Plant;
  readonly declaredBy: Party;
  /** Whether the utility registry knows the (customer code, contract number) pair. */
  readonly inRegistry: boolean;
}

/**
 * A referent declares a contract (at registration or later from the profile): it waits for an
 * operator. A Ditta declaring its own contract that a consultant already manages becomes its owner,
 * free to take it over later ("Gestisci contratto"); anyone else is told it is managed already.
 */
export function declareContract(command: DeclareContract, state: ContractState): ContractEvent[] {
  if (!command.inRegistry) {
    throw contractError(
      'ContractNotInRegistry',
      'validation',
      'La coppia codice cliente e numero contratto non è ammessa.',
      'contractNumber',
    );
  }
  if (state.status === 'none' || state.status === 'rejected') {
    const { contractNumber, customerCode, companyName, plant, declaredBy } = command;
    return [
      {
        type: 'ContractDeclared',
        data: { contractNumber, customerCode, companyName, plant, declaredBy },
      },
    ];
  }
  const { accountId, kind } = command.declaredBy;
  if (state.managerId === accountId || state.ownerAccountId === accountId) return [];
  if (kind === 'ditta' && state.customerCode === command.customerCode && !state.ownerAccountId) {
    return [{ type: 'ContractOwnerLinked', data: { ownerAccountId: accountId } }];
  }
  throw contractError(
    'ContractManagedByOther',
    'conflict',
    'Questo contratto è già gestito da un altro utente: per passarne la gestione rivolgersi al gestore.',
    'contractNumber',
  );
}

export interface ValidateContract {
  readonly type: 'ValidateContract';
  readonly note: string | null;
}

export interface RejectContract {
  readonly type: 'RejectContract';
  readonly reason: string;
}

/** An operator confirms a declared contract: declarations can then be filed for it. */
export function validateContract(command: ValidateContract, state: ContractState): ContractEvent[] {
  if (state.status !== 'pending') {
    throw contractError(
      'ContractNotPending',
      'conflict',
      'Questo contratto non è in attesa di convalida.',
    );
  }
  return [{ type: 'ContractValidated', data: { note: command.note?.trim() || null } }];
}

export function rejectContract(command: RejectContract, state: ContractState): ContractEvent[] {
  if (state.status !== 'pending') {
    throw contractError(
      'ContractNotPending',
      'conflict',
      'Questo contratto non è in attesa di convalida.',
    );
  }
  const reason = command.reason.trim();
  if (reason.length < 5)
    throw contractError(
      'ReasonRequired',
      'validation',
      'Indicare il motivo del rifiuto.',
      'reason',
    );
  return [{ type: 'ContractRejected', data: { reason } }];
}
