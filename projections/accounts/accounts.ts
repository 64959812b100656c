import { accountStream } from '../../domain/accounts/accountDecider.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccountEvent, CompanyDeclaration } from '../../domain/accounts/accountEvents.js';
import type { MemberRole } from '../../domain/accounts/members.js';
import { invitedCompany, withCompany, withDetails } from '../../domain/accounts/account.js';
import type { AccountsTable, CompanyChangeRow, Schema } from '../../src/platform/db/schema.js';
import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

/** An account as login, the reserved area and the operators' queue need it. */
export interface AccountRow {
  readonly accountId: string;
  readonly username: string;
  readonly role: string;
  readonly kind: string | null;
  readonly status: 'unverified' | 'awaiting-approval' | 'active' | 'rejected' | 'closed';
  readonly fullName: string;
  readonly phone: string | null;
  readonly email: string;
  readonly passwordHash: string;
  readonly companies: readonly CompanyDeclaration[];
  /** New company identities waiting for an operator: `companies` stays in force until then. */
  readonly companyChanges: readonly CompanyChangeRow[];
  readonly registeredAt: string;
  readonly verifiedAt: string | null;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly rejectionReason: string | null;
  readonly mustChangePassword: boolean;
  /** A declarant's organisation (its own id for the registering account), null for staff. */
  readonly organisationId: string | null;
  /** The role held in it now; null before approval and after leaving. */
  readonly memberRole: MemberRole | null;
  /** When it was closed; the retention of its person's data counts from then. */
  readonly closedAt: string | null;
  /** When its person's data keys were destroyed (erasePersonalData.ts). */
  readonly erasedAt: string | null;
}

export function evolveAccountRow(
  row: AccountRow | undefined,
  event: Recorded<AccountEvent>,
): AccountRow | undefined {
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'ReferentRegistered':
      return {
        ...event.data,
        companyChanges: [],
        role: 'declarant',
        status: 'unverified',
        registeredAt: at,
        verifiedAt: null,
        decidedAt: null,
        decidedBy: null,
        rejectionReason: null,
        mustChangePassword: false,
        organisationId: event.data.accountId,
        memberRole: null,
        closedAt: null,
        erasedAt: null,
      };
    case 'CompanyInvited':
      return {
        accountId: event.data.accountId,
        username: event.data.username,
        role: 'declarant',
        kind: 'ditta',
        status: 'active',
        fullName: event.data.companyName,
        phone: null,
        email: event.data.pec,
        passwordHash: event.data.passwordHash,
        companies: [invitedCompany(event.data)],
        companyChanges: [],
        registeredAt: at,
        verifiedAt: at,
        decidedAt: at,
        decidedBy: event.metadata.actor.id,
        rejectionReason: null,
        mustChangePassword: true,
        organisationId: event.data.accountId,
        memberRole: null,
        closedAt: null,
        erasedAt: null,
      };
    case 'StaffAccountCreated':
      return {
        ...event.data,
        kind: null,
        phone: null,
        status: 'active',
        companies: [],
        companyChanges: [],
        registeredAt: at,
        verifiedAt: at,
        decidedAt: at,
        decidedBy: event.metadata.actor.id,
        rejectionReason: null,
        mustChangePassword: false,
        organisationId: null,
        memberRole: null,
        closedAt: null,
        erasedAt: null,
      };
    case 'MemberAccountCreated':
      return {
        ...event.data,
        role: 'declarant',
        status: 'active',
        phone: null,
        companies: [],
        companyChanges: [],
        registeredAt: at,
        verifiedAt: at,
        decidedAt: at,
        decidedBy: null,
        rejectionReason: null,
        mustChangePassword: false,
        memberRole: null,
        closedAt: null,
        erasedAt: null,
      };
    case 'MemberJoined':
    case 'MemberRoleChanged':
      return row && { ...row, memberRole: event.data.role };
    case 'MemberRemoved':
      return row && { ...row, memberRole: null };
    case 'EmailVerified':
      return row && { ...row, status: 'awaiting-approval', verifiedAt: at };
    case 'RegistrationApproved':
      return row && { ...row, status: 'active', decidedAt: at, decidedBy: event.metadata.actor.id };
    case 'RegistrationRejected':
      return (
        row && {
          ...row,
          status: 'rejected',
          decidedAt: at,
          decidedBy: event.metadata.actor.id,
          rejectionReason: event.data.reason,
        }
      );
    case 'AccountClosed':
      return row && { ...row, status: 'closed', closedAt: at };
    // The fields themselves are scrubbed by src/accounts/personalDataErasure.ts.
    case 'PersonalDataErased':
      return row && { ...row, erasedAt: at };
    case 'PasswordReset':
    case 'PasswordChanged':
      return row && { ...row, passwordHash: event.data.passwordHash, mustChangePassword: false };
    case 'ReferentDetailsChanged':
      return row && { ...row, fullName: event.data.fullName, phone: event.data.phone };
    case 'EmailChanged':
      return row && { ...row, email: event.data.email };
    case 'CompanyDetailsChangeRequested':
      return (
        row && {
          ...row,
          companyChanges: [...row.companyChanges, { ...event.data, requestedAt: at }],
        }
      );
    case 'CompanyAdded':
      return row && { ...row, companies: withCompany(row.companies, event.data) };
    case 'CompanyDetailsChanged':
      return (
        row && {
          ...row,
          companies: withDetails(row.companies, event.data.customerCode, event.data.details),
          companyChanges: withoutChange(row, event.data.customerCode),
        }
      );
    case 'CompanyDetailsChangeRejected':
      return row && { ...row, companyChanges: withoutChange(row, event.data.customerCode) };
    case 'EmailChangeRequested':
    case 'EmailOtpIssued':
    case 'EmailOtpRejected':
    case 'MemberInvited':
    case 'MemberInvitationWithdrawn':
    case 'OrganisationContactChanged':
    case 'PersonalDataExported':
      return undefined;
  }
}

const withoutChange = (row: AccountRow, customerCode: string) =>
  row.companyChanges.filter((change) => change.customerCode !== customerCode);

export const accountsProjection = rowProjection({
  name: 'accounts',
  follows: accountStream.holds,
  // A change of membership is recorded on the organisation's stream and read on the person's row.
  keyOf: (event) =>
    event.type === 'MemberJoined' ||
    event.type === 'MemberRoleChanged' ||
    event.type === 'MemberRemoved'
      ? event.data.personId
      : accountStream.parse(event.streamId),
  evolve: evolveAccountRow,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('account_id', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.account_id, accountOfRow(row)]));
  },
  save: (trx, rows) => upsertRows(trx, 'accounts', ['account_id'], rows.map(toTableRow)),
  table: 'accounts',
});

const toTableRow = (row: AccountRow) => ({
  account_id: row.accountId,
  username: row.username,
  role: row.role,
  kind: row.kind,
  status: row.status,
  full_name: row.fullName,
  phone: row.phone,
  email: row.email,
  password_hash: row.passwordHash,
  companies: JSON.stringify(row.companies),
  company_changes: JSON.stringify(row.companyChanges),
  registered_at: row.registeredAt,
  verified_at: row.verifiedAt,
  decided_at: row.decidedAt,
  decided_by: row.decidedBy,
  rejection_reason: row.rejectionReason,
  must_change_password: row.mustChangePassword,
  organisation_id: row.organisationId,
  member_role: row.memberRole,
  closed_at: row.closedAt,
  erased_at: row.erasedAt,
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** An accounts table row as the pages read it. */
export const accountOfRow = (row: Selectable<AccountsTable>): AccountRow => ({
  accountId: row.account_id,
  username: row.username,
  role: row.role,
  kind: row.kind,
  status: row.status as AccountRow['status'],
  fullName: row.full_name,
  phone: row.phone,
  email: row.email,
  passwordHash: row.password_hash,
  companies: row.companies,
  companyChanges: row.company_changes,
  registeredAt: row.registered_at.toISOString(),
  verifiedAt: iso(row.verified_at),
  decidedAt: iso(row.decided_at),
  decidedBy: row.decided_by,
  rejectionReason: row.rejection_reason,
  mustChangePassword: row.must_change_password,
  organisationId: row.organisation_id,
  memberRole: row.member_role as MemberRole | null,
  closedAt: iso(row.closed_at),
  erasedAt: iso(row.erased_at),
});

export async function findAccountByUsername(
  db: Kysely<Schema>,
  username: string,
): Promise<AccountRow | null> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.trim().toLowerCase()))
    .executeTakeFirst();
  return row ? accountOfRow(row) : null;
}

export async function findAccount(
  db: Kysely<Schema>,
  accountId: string,
): Promise<AccountRow | null> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row ? accountOfRow(row) : null;
}

/** The operators' queue: verified registrations waiting for a decision, oldest first. */
export async function listAwaitingApproval(db: Kysely<Schema>): Promise<AccountRow[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('status', '=', 'awaiting-approval')
    .orderBy('verified_at')
    .execute();
  return rows.map(accountOfRow);
}

/** The people of an organisation who hold a role in it, administrators first. */
export async function listMembers(
  db: Kysely<Schema>,
  organisationId: string,
): Promise<AccountRow[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('member_role', 'is not', null)
    .orderBy(sql`member_role = 'amministratore'`, 'desc')
    .orderBy('full_name')
    .execute();
  return rows.map(accountOfRow);
}

/** Company identities waiting for an operator, with whose they are, oldest first. */
export async function pendingCompanyChanges(
  db: Kysely<Schema>,
): Promise<{ readonly account: AccountRow; readonly change: CompanyChangeRow }[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where(sql<boolean>`company_changes <> '[]'::jsonb`)
    .execute();
  return rows
    .map(accountOfRow)
    .flatMap((account) => account.companyChanges.map((change) => ({ account, change })))
    .sort((a, b) => a.change.requestedAt.localeCompare(b.change.requestedAt));
}
