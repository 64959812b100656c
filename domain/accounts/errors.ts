import { DomainError, type DomainErrorKind } from '../shared/domainError.js';

export type AccountErrorCode =
  | 'AccountAlreadyExists'
  | 'NotAwaitingVerification'
  | 'NotAwaitingApproval'
  | 'NoActiveCode'
  | 'CodeExpired'
  | 'TooManyAttempts'
  | 'ResendTooSoon'
  | 'TooManyCodes'
  | 'AccountNotActive'
  | 'CompanyRequired'
  | 'DittaHasOneCompany'
  | 'ContractRequired'
  | 'ContractNotInRegistry'
  | 'DuplicateContract'
  | 'ReasonRequired'
  | 'UsernameTaken'
  | 'WrongPassword'
  | 'NothingChanged'
  | 'EmailChangeNotFound'
  | 'EmailChangeExpired'
  | 'NotAMember'
  | 'AlreadyAMember'
  | 'AlreadyInvited'
  | 'TooManyInvitations'
  | 'NoInvitation'
  | 'InvitationExpired'
  | 'LastAdministrator'
  | 'ContactNotYours';

export const accountError = (
  code: AccountErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<AccountErrorCode>(code, kind, message, field);
