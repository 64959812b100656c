import { DomainError, type DomainErrorKind } from '../shared/domainError.js';

export type AccountErrorCode =
  | 'AccountAlreadyExists'
  | 'NotStudio'
  | 'CompanyKnown'
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
  | 'AccountNotClosed'
  | 'PersonalDataErased'
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
  | 'ContactNotYours'
  | 'CompanyUnknown'
  | 'CompanyChangePending'
  | 'NoCompanyChange'
  | 'AccountClosed'
  | 'OrganisationHasPeople';

export const accountError = (
  code: AccountErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<AccountErrorCode>(code, kind, message, field);

/** An administrator's decision on an account gives its reason, beside the field «motivo». */
export function mustGiveReason(reason: string, of: 'chiusura' | 'cancellazione'): void {
  if (reason.trim().length < 10) {
    throw accountError(
      'ReasonRequired',
      'validation',
      `Indicare il motivo della ${of} (almeno 10 caratteri).`,
      'motivo',
    );
  }
}

/** «Modifica profilo»: every change needs the account's password, checked outside the decider. */
export function mustConfirmPassword(currentPasswordOk: boolean): void {
  if (!currentPasswordOk) {
    throw accountError(
      'WrongPassword',
      'validation',
      'La password attuale non è corretta.',
      'currentPassword',
    );
  }
}
