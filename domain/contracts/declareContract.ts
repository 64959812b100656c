import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import { contractError, reasonOf } from './contractErrors.js';
import type { ContractEvent, Party, Plant } from './contractEvents.js';

/** The note of validations that come with a registration: the approval mail already told. */
export const validatedWithRegistration = 'Convalidato con la registrazione';

export interface DeclareContract extends ByMember {
  readonly type: 'DeclareContract';
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plant: Plant;
  readonly declaredBy: Party;
  /** Whether the utility registry knows the (customer code, contract number) pair. */
  readonly inRegistry: boolean;
  /**
   * A Ditta's own customer codes, as an operator accepted them (its approved registration or its
   * invitation). A Ditta declares only contracts of these; a consultant's are not checked.
   */
  readonly companyCustomerCodes: readonly string[];
}

export const registryMismatch = 'La coppia codice cliente e numero contratto non è ammessa.';

/**
 * A referent declares a contract (at registration or later from the profile): it waits for an
 * operator. A Ditta declaring its own contract that a consultant already manages asks to be its
 * owner, which an operator validates too; anyone else is told it is managed already.
 */
export function declareContract(command: DeclareContract, state: ContractState): ContractEvent[] {
  const { accountId, kind } = command.declaredBy;
  if (!command.inRegistry) {
    throw contractError('ContractNotInRegistry', 'validation', registryMismatch, 'contractNumber');
  }
  if (kind === 'ditta' && !command.companyCustomerCodes.includes(command.customerCode)) {
    throw contractError(
      'NotOwnCustomerCode',
      'validation',
      'Una ditta può aggiungere solo i contratti del proprio codice cliente.',
      'customerCode',
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
  if (state.status === 'renumbered') {
    throw contractError(
      'ContractRenumbered',
      'conflict',
      `Questo numero di contratto è stato sostituito da ${state.renumberedTo ?? ''}.`,
      'contractNumber',
    );
  }
  if (
    state.managerId === accountId ||
    state.ownerAccountId === accountId ||
    state.ownerRequest?.accountId === accountId
  )
    return [];
  if (
    kind === 'ditta' &&
    state.customerCode === command.customerCode &&
    !state.ownerAccountId &&
    !state.ownerRequest
  ) {
    return [{ type: 'ContractOwnershipRequested', data: { ownerAccountId: accountId } }];
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

const mustBePending = (state: ContractState) => {
  if (state.status !== 'pending') {
    throw contractError(
      'ContractNotPending',
      'conflict',
      'Questo contratto non è in attesa di convalida.',
    );
  }
};

/** An operator confirms a declared contract: declarations can then be filed for it. */
export function validateContract(command: ValidateContract, state: ContractState): ContractEvent[] {
  mustBePending(state);
  return [{ type: 'ContractValidated', data: { note: command.note?.trim() || null } }];
}

export function rejectContract(command: RejectContract, state: ContractState): ContractEvent[] {
  mustBePending(state);
  return [{ type: 'ContractRejected', data: { reason: reasonOf(command.reason) } }];
}
