import type { MemberRole } from './members.js';

/** What a referent declared for one company at registration (seed: "Anagrafica Ditta"). */
export interface CompanyDeclaration {
  readonly name: string;
  readonly taxId: string;
  readonly phone: string;
  readonly email: string | null;
  readonly pec: string | null;
  readonly customerCode: string;
  readonly contracts: readonly ContractDeclaration[];
}

/** A company's identity as an operator validates it: what «Modifica profilo» may change. */
export type CompanyDetails = Pick<CompanyDeclaration, 'name' | 'taxId' | 'phone' | 'email' | 'pec'>;

/** One discharge contract of a company (seed: "Contratti"). */
export interface ContractDeclaration {
  readonly contractNumber: string;
  readonly street: string;
  readonly civic: string;
  readonly cap: string;
  readonly province: string;
  readonly municipality: string;
}

/** A company's identity as it is and as asked, by whom: asked, then validated the same. */
export interface CompanyDetailsChange {
  customerCode: string;
  previous: CompanyDetails;
  details: CompanyDetails;
  requestedBy: string;
}

export type DeclarantKind = 'ditta' | 'studio';
export type Role = 'declarant' | 'operator' | 'auditor' | 'admin';
export type OtpPurpose = 'registration' | 'password-reset';

export type AccountEvent =
  | {
      type: 'ReferentRegistered';
      data: {
        accountId: string;
        kind: DeclarantKind;
        fullName: string;
        phone: string;
        email: string;
        username: string;
        passwordHash: string;
        companies: CompanyDeclaration[];
      };
    }
  | {
      type: 'StaffAccountCreated';
      data: {
        accountId: string;
        role: Exclude<Role, 'declarant'>;
        fullName: string;
        email: string;
        username: string;
        passwordHash: string;
      };
    }
  /**
   * The utility invites a company that consultants managed (seed: "Modifiche al portale a partire
   * dall'anno 2023"): first-access credentials go to its PEC; it must change the password first.
   */
  | {
      type: 'CompanyInvited';
      data: {
        accountId: string;
        customerCode: string;
        companyName: string;
        pec: string;
        username: string;
        passwordHash: string;
      };
    }
  /** The code itself is never recorded: it is derived from the challenge id with a server key. */
  | {
      type: 'EmailOtpIssued';
      data: {
        challengeId: string;
        purpose: OtpPurpose;
        email: string;
        issuedAt: string;
        expiresAt: string;
      };
    }
  | { type: 'EmailOtpRejected'; data: { challengeId: string; attempt: number } }
  | { type: 'EmailVerified'; data: { challengeId: string; email: string } }
  | { type: 'RegistrationApproved'; data: { note: string | null } }
  | { type: 'RegistrationRejected'; data: { reason: string } }
  | { type: 'PasswordReset'; data: { challengeId: string; passwordHash: string } }
  | { type: 'ReferentDetailsChanged'; data: { fullName: string; phone: string } }
  | { type: 'PasswordChanged'; data: { passwordHash: string } }
  /** The new address gets a link; until it is followed the old address stays in use. */
  | {
      type: 'EmailChangeRequested';
      data: { requestId: string; newEmail: string; expiresAt: string };
    }
  | { type: 'EmailChanged'; data: { requestId: string; previousEmail: string; email: string } }
  /** «+ Aggiungi ditta»: a consultant takes on another company, with its identity (addCompany.ts). */
  | {
      type: 'CompanyAdded';
      data: { customerCode: string; details: CompanyDetails; addedBy: string };
    }
  /** «Modifica profilo»: a company's new identity, waiting for an operator; the old one is in force. */
  | { type: 'CompanyDetailsChangeRequested'; data: CompanyDetailsChange }
  | { type: 'CompanyDetailsChanged'; data: CompanyDetailsChange }
  | {
      type: 'CompanyDetailsChangeRejected';
      data: { customerCode: string; details: CompanyDetails; requestedBy: string; reason: string };
    }
  /*
   * The organisation's people, on the stream of the account that registered it (members.ts). Its
   * founder joins as administrator when the registration is accepted; others by invitation.
   */
  | {
      type: 'MemberInvited';
      data: {
        inviteId: string;
        /** The administrator who sent it: their invitations end with their power to manage. */
        invitedBy: string;
        organisationName: string;
        email: string;
        fullName: string;
        role: MemberRole;
        expiresAt: string;
      };
    }
  | { type: 'MemberInvitationWithdrawn'; data: { inviteId: string } }
  | {
      type: 'MemberJoined';
      data: {
        personId: string;
        role: MemberRole;
        fullName: string;
        email: string;
        /** Null for the founder, who joined by registering. */
        inviteId: string | null;
      };
    }
  | {
      type: 'MemberRoleChanged';
      data: { personId: string; role: MemberRole; previousRole: MemberRole };
    }
  | { type: 'MemberRemoved'; data: { personId: string; role: MemberRole; leaving: boolean } }
  /** When its registrant leaves, the organisation's mail goes to an administrator who stays. */
  | {
      type: 'OrganisationContactChanged';
      data: { personId: string; fullName: string; email: string };
    }
  /** The account can no longer log in (closeAccount.ts); the log and the filings stay. */
  | { type: 'AccountClosed'; data: { by: 'self' | 'admin'; reason: string | null } }
  /**
   * «Scarica i miei dati» (GDPR art. 15 and 20): the person downloaded what the portal holds about
   * them. Recorded as it happens, with no decider: the log keeps who asked, when and from where.
   */
  | { type: 'PersonalDataExported'; data: { format: 'json' | 'pdf' } }
  /**
   * The person's data keys destroyed (erasePersonalData.ts): `subjects` names them, the account
   * and the invitation it came from; the fields sealed for them read «[dato cancellato]».
   */
  | { type: 'PersonalDataErased'; data: { reason: string; subjects: string[] } }
  /** On the invited person's own stream: their login, for the organisation that invited them. */
  | {
      type: 'MemberAccountCreated';
      data: {
        accountId: string;
        organisationId: string;
        inviteId: string;
        kind: DeclarantKind;
        fullName: string;
        email: string;
        username: string;
        passwordHash: string;
      };
    };

export type AccountEventType = AccountEvent['type'];
