import type { Kysely } from 'kysely';
import { plantAddress } from '../../domain/contracts/changePlantAddress.js';
import { findAccount, type AccountRow } from '../../projections/accounts/accounts.js';
import { contractsOf } from '../../projections/contracts/contracts.js';
import { submittedDeclarations } from '../../projections/declarations/declarations.js';
import type { Schema } from '../platform/db/schema.js';
import type { PersonalData } from './personalData.js';
import type { ExportedEvent } from './personalDataEvents.js';

/*
 * The read models' rows about a person, for «Scarica i miei dati» (personalData.ts). Each list is
 * read newest first, one row past `limit`, so the caller can tell a whole list from a cut one.
 */

export const organisationOf = async (db: Kysely<Schema>, account: AccountRow) =>
  !account.organisationId
    ? null
    : account.organisationId === account.accountId
      ? account
      : findAccount(db, account.organisationId);

/**
 * The contracts the organisation manages or owns, and the declaration versions it filed: a later
 * manager's version, with its signatory and addresses, belongs to that manager.
 */
export async function heldByOrganisation(
  db: Kysely<Schema>,
  organisationId: string | null,
): Promise<Pick<PersonalData, 'contracts' | 'declarations'>> {
  if (!organisationId) return { contracts: [], declarations: [] };
  const contracts = (await contractsOf(db, organisationId)).filter(
    (row) => row.managerAccountId === organisationId || row.ownerAccountId === organisationId,
  );
  const filed = await submittedDeclarations(db, [], organisationId);
  return {
    contracts: contracts.map((row) => ({
      contractNumber: row.contractNumber,
      customerCode: row.customerCode,
      companyName: row.companyName,
      plantAddress: plantAddress(row.plant),
      status: row.status,
      managed: row.managerAccountId === organisationId,
      owned: row.ownerAccountId === organisationId,
      declaredAt: row.declaredAt,
    })),
    declarations: filed.flatMap((row) =>
      row.versions
        .filter((version) => version.submittedBy === organisationId)
        .map((version) => ({
          year: row.year,
          contractNumber: row.contractNumber,
          companyName: row.companyName,
          protocolNumber: version.protocolNumber,
          submittedAt: version.receivedAt,
          late: version.late,
          notificationEmail: version.notificationEmail,
        })),
    ),
  };
}

export async function sessionsOf(db: Kysely<Schema>, accountId: string, limit: number) {
  const rows = await db
    .selectFrom('sessions')
    .select(['created_at', 'expires_at', 'revoked_at', 'client_ip', 'user_agent'])
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map((row) => ({
    startedAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    endedAt: row.revoked_at?.toISOString() ?? null,
    clientIp: row.client_ip,
    userAgent: row.user_agent,
  }));
}

export async function refusalsOf(db: Kysely<Schema>, accountId: string, limit: number) {
  const rows = await db
    .selectFrom('refused_sign_ins')
    .select(['at', 'username', 'outcome', 'client_ip', 'attempts', 'unlocked_at'])
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map((row) => ({
    at: row.at.toISOString(),
    username: row.username,
    outcome: row.outcome,
    clientIp: row.client_ip,
    attempts: row.attempts,
    unlockedAt: row.unlocked_at?.toISOString() ?? null,
  }));
}

/**
 * Every address the account has proved it holds, from its own events: confirmed by a code or a
 * link, or given by whoever created the login (an administrator, an invitation it accepted, the
 * PEC its first password went to). Never an address only asked for or written to, whose mails
 * would be someone else's.
 */
export function addressesOf(account: AccountRow, own: readonly ExportedEvent[]): string[] {
  const addresses = new Set([account.email.toLowerCase()]);
  const add = (value: unknown) => {
    if (typeof value === 'string' && value) addresses.add(value.toLowerCase());
  };
  for (const { type, data } of own) {
    if (
      ['EmailVerified', 'EmailChanged', 'StaffAccountCreated', 'MemberAccountCreated'].includes(
        type,
      )
    )
      add(data.email);
    if (type === 'CompanyInvited') add(data.pec);
  }
  return [...addresses];
}

/** The mails the portal queued to those addresses: when, what about, whether sent; no body. */
export async function mailsTo(db: Kysely<Schema>, addresses: readonly string[], limit: number) {
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['created_at', 'sent_at', 'to_address', 'subject', 'status'])
    .where((eb) => eb(eb.fn('lower', ['to_address']), 'in', addresses))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map((row) => ({
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
    to: row.to_address,
    subject: row.subject,
    status: row.status,
  }));
}
