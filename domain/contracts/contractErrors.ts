import { DomainError, type DomainErrorKind } from '../shared/domainError.js';
import type { ContractState } from './contract.js';

export type ContractErrorCode =
  | 'ContractNotInRegistry'
  | 'ContractManagedByOther'
  | 'ContractNotPending'
  | 'ContractNotValidated'
  | 'ContractUnknown'
  | 'ContractRenumbered'
  | 'NotOwnCustomerCode'
  | 'CustomerCodeMismatch'
  | 'NotOwner'
  | 'OwnerExists'
  | 'NoOwnershipRequest'
  | 'AlreadyManaging'
  | 'NotManager'
  | 'NoOffer'
  | 'OfferPending'
  | 'NumberChangePending'
  | 'NoNumberChange'
  | 'SameContractNumber'
  | 'ContractNumberTaken'
  | 'ReasonRequired'
  | 'PlantAddressChangePending'
  | 'NoPlantAddressChange'
  | 'SamePlantAddress';

export const contractError = (
  code: ContractErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<ContractErrorCode>(code, kind, message, field);

/** Every command on a contract but its declaration: it must exist and still carry this number. */
export function mustExist(state: ContractState): void {
  if (state.status === 'none' || state.status === 'rejected') {
    throw contractError('ContractUnknown', 'not-found', 'Contratto non trovato.');
  }
  if (state.status === 'renumbered') {
    throw contractError(
      'ContractRenumbered',
      'conflict',
      `Il numero di questo contratto è stato cambiato in ${state.renumberedTo ?? ''}: usare il nuovo numero.`,
    );
  }
}

/** An operator's refusal always says why. */
export function reasonOf(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 5)
    throw contractError(
      'ReasonRequired',
      'validation',
      'Indicare il motivo del rifiuto.',
      'reason',
    );
  return trimmed;
}
