import { DomainError, type DomainErrorKind } from '../shared/domainError.js';

export type ObservatoryErrorCode =
  | 'MonthNotEnded'
  | 'FlowLocked'
  | 'FlowNotSubmitted'
  | 'UnlockOutsideWindow'
  | 'UnlockAlreadyRequested'
  | 'NoUnlockRequest'
  | 'ReasonRequired'
  | 'NotOfficer'
  | 'DuplicateRow'
  | 'NoRows'
  | 'QuantityOutOfRange'
  | 'EmailNotInstitutional'
  | 'AlreadyOfficer'
  | 'NoOfficer'
  | 'SameEmail'
  | 'MunicipalityUnknown'
  | 'AlreadyAdmin'
  | 'NotAdmin'
  | 'LastAdmin'
  | 'DocumentRequired'
  | 'ExpiryOutOfRange'
  | 'NoAuthorisation'
  | 'AlreadyDelegated'
  | 'CompanyRequired'
  | 'PeriodOutOfRange'
  | 'NoDelegation'
  | 'YearNotClosed'
  | 'YearAlreadyValidated'
  | 'YearValidated'
  | 'MonthsNotFiled'
  | 'MonthNotFiled'
  | 'MonthsRequired'
  | 'UnlockPending'
  | 'NothingToCertify';

export const observatoryError = (
  code: ObservatoryErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<ObservatoryErrorCode>(code, kind, message, field);
