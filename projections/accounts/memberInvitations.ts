import type { Kysely, Selectable } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import type { AccountEvent } from '../../domain/accounts/accountEvents.js';
import type { MemberRole } from '../../domain/accounts/members.js';
import type { MemberInvitationsTable, Schema } from '../../src/platform/db/schema.js';
import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

/** An invitation to join an organisation, as its people page and the invitation link read it. */
export interface InvitationRow {
  readonly inviteId: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly email: string;
  readonly fullName: string;
  readonly role: MemberRole;
  readonly invitedBy: string;
  readonly invitedAt: string;
  readonly expiresAt: string;
  readonly status: 'pending' | 'accepted' | 'withdrawn';
}

export function evolveInvitationRow(
  row: InvitationRow | undefined,
  event: Recorded<AccountEvent>,
): InvitationRow | undefined {
  switch (event.type) {
    case 'MemberInvited':
      return {
        ...event.data,
        organisationId: accountStream.parse(event.streamId)!,
        invitedAt: event.metadata.occurredAt,
        status: 'pending',
      };
    case 'MemberInvitationWithdrawn':
      return row && { ...row, status: 'withdrawn' };
    case 'MemberJoined':
      return row && { ...row, status: 'accepted' };
    default:
      return undefined;
  }
}

export const memberInvitationsProjection = rowProjection({
  name: 'member_invitations',
  follows: accountStream.holds,
  keyOf: (event) =>
    event.type === 'MemberInvited' ||
    event.type === 'MemberInvitationWithdrawn' ||
    event.type === 'MemberJoined'
      ? event.data.inviteId
      : null,
  evolve: evolveInvitationRow,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('member_invitations')
      .selectAll()
      .where('invite_id', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.invite_id, fromTableRow(row)]));
  },
  async save(trx, rows) {
    await trx
      .insertInto('member_invitations')
      .values(
        rows.map((row) => ({
          invite_id: row.inviteId,
          organisation_id: row.organisationId,
          organisation_name: row.organisationName,
          email: row.email,
          full_name: row.fullName,
          role: row.role,
          invited_by: row.invitedBy,
          invited_at: row.invitedAt,
          expires_at: row.expiresAt,
          status: row.status,
        })),
      )
      .onConflict((oc) =>
        oc.column('invite_id').doUpdateSet((eb) => ({ status: eb.ref('excluded.status') })),
      )
      .execute();
  },
  table: 'member_invitations',
});

const fromTableRow = (row: Selectable<MemberInvitationsTable>): InvitationRow => ({
  inviteId: row.invite_id,
  organisationId: row.organisation_id,
  organisationName: row.organisation_name,
  email: row.email,
  fullName: row.full_name,
  role: row.role as MemberRole,
  invitedBy: row.invited_by,
  invitedAt: row.invited_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  status: row.status as InvitationRow['status'],
});

/** The invitations still waiting for an answer, newest first (expired ones included). */
export async function pendingInvitations(
  db: Kysely<Schema>,
  organisationId: string,
): Promise<InvitationRow[]> {
  const rows = await db
    .selectFrom('member_invitations')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'pending')
    .orderBy('invited_at', 'desc')
    .execute();
  return rows.map(fromTableRow);
}

export async function findInvitation(
  db: Kysely<Schema>,
  inviteId: string,
): Promise<InvitationRow | null> {
  const row = await db
    .selectFrom('member_invitations')
    .selectAll()
    .where('invite_id', '=', inviteId)
    .executeTakeFirst();
  return row ? fromTableRow(row) : null;
}
