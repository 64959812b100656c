import type {
  AccountEvent,
  CompanyDeclaration,
  CompanyDetails,
  DeclarantKind,
  OtpPurpose,
  Role,
} from './accountEvents.js';
import type { MemberRole } from './members.js';

export type AccountStatus =
  'none' | 'unverified' | 'awaiting-approval' | 'active' | 'rejected' | 'closed';

export interface OtpChallenge {
  readonly challengeId: string;
  readonly purpose: OtpPurpose;
  readonly email: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly failedAttempts: number;
  readonly used: boolean;
}

export interface Member {
  readonly personId: string;
  readonly role: MemberRole;
  readonly fullName: string;
  readonly email: string;
}

export interface Invitation {
  readonly inviteId: string;
  readonly invitedBy: string;
  readonly email: string;
  readonly fullName: string;
  readonly role: MemberRole;
  readonly expiresAt: string;
}

export interface CompanyChange {
  readonly customerCode: string;
  readonly details: CompanyDetails;
  readonly requestedBy: string;
}

/** The company an operator invited, as its account knows it before it completes its data. */
export const invitedCompany = (data: {
  readonly companyName: string;
  readonly pec: string;
  readonly customerCode: string;
}): CompanyDeclaration => ({
  name: data.companyName,
  taxId: '',
  phone: '',
  email: null,
  pec: data.pec,
  customerCode: data.customerCode,
  contracts: [],
});

export interface AccountState {
  readonly status: AccountStatus;
  readonly accountId: string | null;
  /** A declarant's organisation: its own id for the account that registered it. */
  readonly organisationId: string | null;
  /** The organisation's people and open invitations (on the registering account only). */
  readonly members: readonly Member[];
  readonly invitations: readonly Invitation[];
  readonly role: Role | null;
  readonly kind: DeclarantKind | null;
  readonly username: string | null;
  readonly email: string | null;
  readonly companies: readonly CompanyDeclaration[];
  /** New company identities waiting for an operator, one per company at most. */
  readonly companyChanges: readonly CompanyChange[];
  readonly otp: OtpChallenge | null;
  readonly fullName: string | null;
  readonly phone: string | null;
  /** Invited companies replace the password they were sent before anything else. */
  readonly mustChangePassword: boolean;
  readonly pendingEmail: {
    readonly requestId: string;
    readonly email: string;
    readonly expiresAt: string;
  } | null;
  /** When each code was issued and what for, for the resend throttle. */
  readonly otpIssued: readonly { readonly at: string; readonly purpose: OtpPurpose }[];
  /** The invitation a member's own account was created from; null for every other account. */
  readonly joinedBy: string | null;
  /** Invitations sent and never accepted: their invitees' data goes with the organisation's. */
  readonly unansweredInvites: readonly string[];
  /** The person's data keys are destroyed (erasePersonalData.ts). */
  readonly erased: boolean;
}

export const initialAccountState = (): AccountState => ({
  status: 'none',
  accountId: null,
  organisationId: null,
  members: [],
  invitations: [],
  role: null,
  kind: null,
  username: null,
  email: null,
  companies: [],
  companyChanges: [],
  fullName: null,
  phone: null,
  pendingEmail: null,
  mustChangePassword: false,
  otp: null,
  otpIssued: [],
  joinedBy: null,
  unansweredInvites: [],
  erased: false,
});

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'ReferentRegistered':
      return {
        ...state,
        accountId: event.data.accountId,
        status: 'unverified',
        organisationId: event.data.accountId,
        role: 'declarant',
        kind: event.data.kind,
        username: event.data.username,
        email: event.data.email,
        fullName: event.data.fullName,
        phone: event.data.phone,
        companies: event.data.companies,
      };
    case 'StaffAccountCreated':
      return {
        ...state,
        fullName: event.data.fullName,
        accountId: event.data.accountId,
        status: 'active',
        role: event.data.role,
        username: event.data.username,
        email: event.data.email,
      };
    case 'CompanyInvited':
      return {
        ...state,
        accountId: event.data.accountId,
        status: 'active',
        organisationId: event.data.accountId,
        role: 'declarant',
        kind: 'ditta',
        username: event.data.username,
        email: event.data.pec,
        fullName: event.data.companyName,
        companies: [invitedCompany(event.data)],
        mustChangePassword: true,
      };
    case 'EmailOtpIssued':
      return {
        ...state,
        otp: { ...event.data, failedAttempts: 0, used: false },
        otpIssued: [...state.otpIssued, { at: event.data.issuedAt, purpose: event.data.purpose }],
      };
    case 'EmailOtpRejected':
      return state.otp
        ? { ...state, otp: { ...state.otp, failedAttempts: event.data.attempt } }
        : state;
    case 'EmailVerified':
      return {
        ...state,
        status: state.status === 'unverified' ? 'awaiting-approval' : state.status,
        otp: state.otp ? { ...state.otp, used: true } : null,
      };
    case 'RegistrationApproved':
      return { ...state, status: 'active' };
    case 'RegistrationRejected':
      return { ...state, status: 'rejected' };
    case 'AccountClosed':
      return { ...state, status: 'closed' };
    case 'PersonalDataErased':
      return { ...state, erased: true };
    case 'ReferentDetailsChanged':
      return { ...state, fullName: event.data.fullName, phone: event.data.phone };
    case 'PasswordChanged':
    case 'PasswordReset':
      return {
        ...state,
        mustChangePassword: false,
        otp: event.type === 'PasswordReset' && state.otp ? { ...state.otp, used: true } : state.otp,
      };
    case 'EmailChangeRequested':
      return {
        ...state,
        pendingEmail: {
          requestId: event.data.requestId,
          email: event.data.newEmail,
          expiresAt: event.data.expiresAt,
        },
      };
    case 'EmailChanged':
      return { ...state, email: event.data.email, pendingEmail: null };
    case 'MemberAccountCreated':
      return {
        ...state,
        accountId: event.data.accountId,
        status: 'active',
        organisationId: event.data.organisationId,
        role: 'declarant',
        kind: event.data.kind,
        username: event.data.username,
        email: event.data.email,
        fullName: event.data.fullName,
        joinedBy: event.data.inviteId,
      };
    case 'MemberInvited': {
      const { inviteId, invitedBy, email, fullName, role, expiresAt } = event.data;
      const invitation = { inviteId, invitedBy, email, fullName, role, expiresAt };
      return {
        ...state,
        invitations: [...state.invitations, invitation],
        unansweredInvites: [...state.unansweredInvites, inviteId],
      };
    }
    case 'MemberInvitationWithdrawn':
      return { ...state, invitations: withoutInvitation(state, event.data.inviteId) };
    case 'MemberJoined': {
      const { personId, role, fullName, email, inviteId } = event.data;
      return {
        ...state,
        members: [...state.members, { personId, role, fullName, email }],
        invitations: inviteId ? withoutInvitation(state, inviteId) : state.invitations,
        unansweredInvites: state.unansweredInvites.filter((id) => id !== inviteId),
      };
    }
    case 'MemberRoleChanged':
      return {
        ...state,
        members: state.members.map((member) =>
          member.personId === event.data.personId ? { ...member, role: event.data.role } : member,
        ),
      };
    case 'OrganisationContactChanged':
    case 'PersonalDataExported':
      return state;
    case 'CompanyDetailsChangeRequested': {
      const { customerCode, details, requestedBy } = event.data;
      return {
        ...state,
        companyChanges: [...state.companyChanges, { customerCode, details, requestedBy }],
      };
    }
    case 'CompanyAdded':
      return { ...state, companies: withCompany(state.companies, event.data) };
    case 'CompanyDetailsChanged':
      return {
        ...state,
        companies: withDetails(state.companies, event.data.customerCode, event.data.details),
        companyChanges: withoutChange(state, event.data.customerCode),
      };
    case 'CompanyDetailsChangeRejected':
      return { ...state, companyChanges: withoutChange(state, event.data.customerCode) };
    case 'MemberRemoved':
      return {
        ...state,
        members: state.members.filter((member) => member.personId !== event.data.personId),
      };
  }
}

const withoutInvitation = (state: AccountState, inviteId: string) =>
  state.invitations.filter((invitation) => invitation.inviteId !== inviteId);

const withoutChange = (state: AccountState, customerCode: string) =>
  state.companyChanges.filter((change) => change.customerCode !== customerCode);

/** The companies with one more; its contracts are on their own streams, as declared since. */
export const withCompany = (
  companies: readonly CompanyDeclaration[],
  added: { readonly customerCode: string; readonly details: CompanyDetails },
): CompanyDeclaration[] =>
  companies.some((company) => company.customerCode === added.customerCode)
    ? [...companies]
    : [...companies, { ...added.details, customerCode: added.customerCode, contracts: [] }];

/** The companies with one company's new identity: its customer code and contracts stay. */
export const withDetails = (
  companies: readonly CompanyDeclaration[],
  customerCode: string,
  details: CompanyDetails,
): CompanyDeclaration[] =>
  companies.map((company) =>
    company.customerCode === customerCode ? { ...company, ...details } : company,
  );
