import type { AccountEvent, CompanyDeclaration, CompanyDetails } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError, mustConfirmPassword } from './errors.js';
import { mustHold, type ByMember } from './members.js';

export interface RequestCompanyDetailsChange extends ByMember {
  readonly type: 'RequestCompanyDetailsChange';
  /** The company, by the customer code an operator accepted: it never changes here. */
  readonly customerCode: string;
  readonly details: CompanyDetails;
  /** The person asking (the organisation's stream records it, the mail answers the organisation). */
  readonly requestedBy: string;
  /** Every change of the profile needs the account's password (seed); checked outside. */
  readonly currentPasswordOk: boolean;
}

export interface ValidateCompanyDetailsChange {
  readonly type: 'ValidateCompanyDetailsChange';
  readonly customerCode: string;
}

export interface RejectCompanyDetailsChange {
  readonly type: 'RejectCompanyDetailsChange';
  readonly customerCode: string;
  readonly reason: string;
}

/** A company's identity on one line, as pages and mails repeat it. */
export const companyLine = (details: CompanyDetails): string =>
  [
    details.name,
    `P.IVA/C.F. ${details.taxId}`,
    `tel. ${details.phone}`,
    details.email && `e-mail ${details.email}`,
    details.pec && `PEC ${details.pec}`,
  ]
    .filter(Boolean)
    .join(', ');

/** The identity an operator validated, without the customer code and contracts. */
export const detailsOf = ({
  name,
  taxId,
  phone,
  email,
  pec,
}: CompanyDeclaration): CompanyDetails => ({
  name,
  taxId,
  phone,
  email,
  pec,
});

export const sameDetails = (a: CompanyDetails, b: CompanyDetails): boolean =>
  a.name === b.name &&
  a.taxId === b.taxId &&
  a.phone === b.phone &&
  (a.email ?? '') === (b.email ?? '') &&
  (a.pec ?? '') === (b.pec ?? '');

const companyOf = (state: AccountState, customerCode: string) => {
  const company = state.companies.find((c) => c.customerCode === customerCode);
  if (!company) throw accountError('CompanyUnknown', 'not-found', 'Ditta non trovata.');
  return company;
};

/**
 * «Modifica profilo»: a company's identity was validated by an operator with the registration, so
 * a new one waits for an operator; until then the identity in force is the old one.
 */
export function requestCompanyDetailsChange(
  command: RequestCompanyDetailsChange,
  state: AccountState,
): AccountEvent[] {
  mustConfirmPassword(command.currentPasswordOk);
  mustHold(command.role, 'manage');
  if (state.status !== 'active') {
    throw accountError('AccountNotActive', 'conflict', 'Questo account non è attivo.');
  }
  const company = companyOf(state, command.customerCode);
  if (state.companyChanges.some((change) => change.customerCode === command.customerCode)) {
    throw accountError(
      'CompanyChangePending',
      'conflict',
      'È già in attesa di convalida una modifica dei dati di questa ditta: attendere la decisione degli operatori.',
      'name',
    );
  }
  const previous = detailsOf(company);
  if (sameDetails(previous, command.details)) {
    throw accountError('NothingChanged', 'validation', 'Nessuna modifica da salvare.', 'name');
  }
  const { customerCode, details, requestedBy } = command;
  return [
    {
      type: 'CompanyDetailsChangeRequested',
      data: { customerCode, previous, details, requestedBy },
    },
  ];
}

const pendingChange = (state: AccountState, customerCode: string) => {
  const change = state.companyChanges.find((c) => c.customerCode === customerCode);
  if (!change) {
    throw accountError(
      'NoCompanyChange',
      'conflict',
      'Non c’è una modifica dei dati di questa ditta in attesa di convalida.',
    );
  }
  return { ...change, previous: detailsOf(companyOf(state, customerCode)) };
};

/** The operator confirms the new identity: from now on it is the company's. */
export function validateCompanyDetailsChange(
  command: ValidateCompanyDetailsChange,
  state: AccountState,
): AccountEvent[] {
  return [{ type: 'CompanyDetailsChanged', data: pendingChange(state, command.customerCode) }];
}

/** The operator refuses it, saying why: the identity in force stays. */
export function rejectCompanyDetailsChange(
  command: RejectCompanyDetailsChange,
  state: AccountState,
): AccountEvent[] {
  const { customerCode, details, requestedBy } = pendingChange(state, command.customerCode);
  const reason = command.reason.trim();
  if (reason.length < 5) {
    throw accountError('ReasonRequired', 'validation', 'Indicare il motivo del rifiuto.', 'reason');
  }
  return [
    {
      type: 'CompanyDetailsChangeRejected',
      data: { customerCode, details, requestedBy, reason },
    },
  ];
}
