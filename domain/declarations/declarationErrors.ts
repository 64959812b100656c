import { DomainError, type DomainErrorKind } from '../shared/domainError.js';

export type DeclarationErrorCode =
  | 'CampaignNotOpen'
  | 'CampaignAlreadyOpen'
  | 'DeadlineBeforeYearEnd'
  | 'CampaignSettingsInvalid'
  | 'ContractLimitsInvalid'
  | 'NotManager'
  | 'AlreadyDeclared'
  | 'NoDraft'
  | 'WarningsNotAcknowledged'
  | 'CertificationIncomplete'
  | 'ReviewIncomplete'
  | 'AlreadyReviewed'
  | 'ReasonMissing'
  | 'AcceptedDeclaration'
  | 'NotAccepted'
  | 'VersionChanged'
  | 'NotSubmitted'
  | 'ResendLimitReached'
  | 'TooManyAttachments'
  | 'DeclarationUnknown';

export const declarationError = (
  code: DeclarationErrorCode,
  kind: DomainErrorKind,
  message: string,
  field?: string,
) => new DomainError<DeclarationErrorCode>(code, kind, message, field);
