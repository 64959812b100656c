import { DomainError, type DomainErrorKind } from '../shared/domainError.js';

export type ContractErrorCode =
  | 'ContractNotInRegistry'
  | 'ContractManagedByOther'
  | 'ContractNotPending'
  | 'ContractUnknown'
  | 'NotOwner'
  | 'AlreadyManaging'
  | 'NotManager'
  | 'NoOffer'
  | 'ReasonRequired';

export const contractError = (
  code: ContractErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<ContractErrorCode>(code, kind, message, field);
