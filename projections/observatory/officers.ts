import type { Kysely, Transaction } from 'kysely';
import type { AdminEvent } from '../../domain/observatory/observatoryAdmins.js';
import {
  municipalityStream,
  type OfficerEvent,
} from '../../domain/observatory/municipalityOfficer.js';
import { observatoryAdminsStream } from '../../domain/observatory/observatoryAdmins.js';
import type { Schema } from '../../src/platform/db/schema.js';
import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';

/** The user of a municipality, as the admin page and the access checks read it. */
export interface OfficerRow {
  readonly istatCode: string;
  readonly fiscalCode: string;
  readonly email: string;
  readonly assignedAt: string;
}

/** Pure: the municipality's row after the event; null when it has no user. */
export function evolveOfficerRow(
  row: OfficerRow | null,
  event: OfficerEvent,
  at: string,
): OfficerRow | null {
  switch (event.type) {
    case 'OfficerAssigned':
      return {
        istatCode: event.data.istatCode,
        fiscalCode: event.data.fiscalCode,
        email: event.data.email,
        assignedAt: at,
      };
    case 'OfficerAssignmentEnded':
      return row?.fiscalCode === event.data.fiscalCode ? null : row;
    case 'OfficerEmailChanged':
      return row?.fiscalCode === event.data.fiscalCode ? { ...row, email: event.data.email } : row;
  }
}

export interface AdminRow {
  readonly fiscalCode: string;
  readonly grantedAt: string;
}

/** Pure: the admin's row after the event; null once revoked. */
export function evolveAdminRow(
  row: AdminRow | null,
  event: AdminEvent,
  at: string,
): AdminRow | null {
  return event.type === 'ObservatoryAdminGranted'
    ? (row ?? { fiscalCode: event.data.fiscalCode, grantedAt: at })
    : null;
}

async function applyOfficerEvent(trx: Transaction<Schema>, event: Recorded<OfficerEvent>) {
  const { istatCode } = event.data;
  const stored = await trx
    .selectFrom('observatory_officers')
    .selectAll()
    .where('istat_code', '=', istatCode)
    .executeTakeFirst();
  const before: OfficerRow | null = stored
    ? {
        istatCode,
        fiscalCode: stored.fiscal_code,
        email: stored.email,
        assignedAt: stored.assigned_at.toISOString(),
      }
    : null;
  const after = evolveOfficerRow(before, event, event.metadata.occurredAt);
  if (!after) {
    await trx.deleteFrom('observatory_officers').where('istat_code', '=', istatCode).execute();
    return;
  }
  // No unique fiscal code here: a log where two assignments once raced still projects.
  const values = {
    istat_code: after.istatCode,
    fiscal_code: after.fiscalCode,
    email: after.email,
    assigned_at: after.assignedAt,
  };
  await trx
    .insertInto('observatory_officers')
    .values(values)
    .onConflict((oc) => oc.column('istat_code').doUpdateSet(values))
    .execute();
}

async function applyAdminEvent(trx: Transaction<Schema>, event: Recorded<AdminEvent>) {
  const { fiscalCode } = event.data;
  const stored = await trx
    .selectFrom('observatory_admins')
    .selectAll()
    .where('fiscal_code', '=', fiscalCode)
    .executeTakeFirst();
  const before = stored ? { fiscalCode, grantedAt: stored.granted_at.toISOString() } : null;
  const after = evolveAdminRow(before, event, event.metadata.occurredAt);
  if (!after) {
    await trx.deleteFrom('observatory_admins').where('fiscal_code', '=', fiscalCode).execute();
  } else if (!before) {
    await trx
      .insertInto('observatory_admins')
      .values({ fiscal_code: after.fiscalCode, granted_at: after.grantedAt })
      .execute();
  }
}

/** Who files each municipality's months, and who administers the observatory. */
export const observatoryPeopleProjection: Projection = {
  name: 'observatory_people',
  async apply(trx, events) {
    for (const recorded of events) {
      if (municipalityStream.holds(recorded)) await applyOfficerEvent(trx, recorded);
      else if (observatoryAdminsStream.holds(recorded)) await applyAdminEvent(trx, recorded);
    }
  },
  async reset(trx: Transaction<Schema>) {
    await trx.deleteFrom('observatory_officers').execute();
    await trx.deleteFrom('observatory_admins').execute();
  },
};

/** What a logged-in fiscal code may do in the observatory. */
export type ObservatoryRole =
  | { readonly kind: 'officer'; readonly istatCode: string; readonly email: string }
  | { readonly kind: 'admin' }
  | { readonly kind: 'none' };

export async function observatoryRole(
  db: Kysely<Schema>,
  fiscalCode: string,
): Promise<ObservatoryRole> {
  const admin = await db
    .selectFrom('observatory_admins')
    .select('fiscal_code')
    .where('fiscal_code', '=', fiscalCode)
    .executeTakeFirst();
  if (admin) return { kind: 'admin' };
  // Two rows only in a log written before the per-person rule: the earliest association counts.
  const officer = await db
    .selectFrom('observatory_officers')
    .select(['istat_code', 'email'])
    .where('fiscal_code', '=', fiscalCode)
    .orderBy('assigned_at')
    .orderBy('istat_code')
    .executeTakeFirst();
  return officer
    ? { kind: 'officer', istatCode: officer.istat_code, email: officer.email }
    : { kind: 'none' };
}

/** Every municipality's user; `sharedFiscalCode` marks a person shown for more than one. */
export async function officers(db: Kysely<Schema>) {
  const rows = await db
    .selectFrom('observatory_officers')
    .selectAll()
    .orderBy('istat_code')
    .execute();
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.fiscal_code, (seen.get(row.fiscal_code) ?? 0) + 1);
  return rows.map((row) => ({ ...row, sharedFiscalCode: (seen.get(row.fiscal_code) ?? 0) > 1 }));
}

export async function officerOf(db: Kysely<Schema>, istatCode: string) {
  return db
    .selectFrom('observatory_officers')
    .selectAll()
    .where('istat_code', '=', istatCode)
    .executeTakeFirst();
}

export async function admins(db: Kysely<Schema>) {
  return db.selectFrom('observatory_admins').selectAll().orderBy('granted_at').execute();
}

/** The ISTAT code of another municipality the read model has this fiscal code serving, if any. */
export async function officerElsewhere(
  db: Kysely<Schema>,
  fiscalCode: string,
  istatCode: string,
): Promise<{ istatCode: string } | null> {
  const row = await db
    .selectFrom('observatory_officers')
    .select('istat_code')
    .where('fiscal_code', '=', fiscalCode)
    .where('istat_code', '<>', istatCode)
    .orderBy('assigned_at')
    .executeTakeFirst();
  return row ? { istatCode: row.istat_code } : null;
}
