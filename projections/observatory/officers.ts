import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { AdminEvent } from '../../domain/observatory/observatoryAdmins.js';
import {
  isMandateEvent,
  type MandateEvent,
} from '../../domain/observatory/municipalityMandates.js';
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
    default:
      return row;
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

/**
 * A second user's row is keyed by the event that authorised it, so a later authorisation of the
 * same person keeps the earlier one's record; a delegation's by its id.
 */
async function applyMandateEvent(trx: Transaction<Schema>, event: Recorded<MandateEvent>) {
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'SecondUserAuthorised': {
      const { data } = event;
      await trx
        .insertInto('observatory_mandates')
        .values({
          mandate_id: event.metadata.eventId,
          istat_code: data.istatCode,
          fiscal_code: data.fiscalCode,
          kind: 'autorizzato',
          email: data.email,
          granted_at: at,
          granted_by: data.authorisedBy,
          reason: data.reason,
          document_reference: data.documentReference,
          expires_on: data.expiresOn,
        })
        .onConflict((oc) => oc.column('mandate_id').doNothing())
        .execute();
      return;
    }
    case 'FilingDelegated': {
      const { data } = event;
      const values = {
        mandate_id: data.delegationId,
        istat_code: data.istatCode,
        fiscal_code: data.fiscalCode,
        kind: 'delegato' as const,
        email: data.email,
        granted_at: at,
        granted_by: data.delegatedBy,
        company: data.collector,
        from_month: data.fromMonth,
        to_month: data.toMonth,
      };
      await trx
        .insertInto('observatory_mandates')
        .values(values)
        .onConflict((oc) => oc.column('mandate_id').doUpdateSet(values))
        .execute();
      return;
    }
    case 'SecondUserAuthorisationEnded':
    case 'FilingDelegationRevoked': {
      const ending = { ended_at: at, end_reason: event.data.reason };
      if (event.type === 'FilingDelegationRevoked') {
        await trx
          .updateTable('observatory_mandates')
          .set({ ...ending, ended_by: event.data.revokedBy })
          .where('mandate_id', '=', event.data.delegationId)
          .execute();
        return;
      }
      await trx
        .updateTable('observatory_mandates')
        .set({ ...ending, ended_by: event.data.endedBy })
        .where('istat_code', '=', event.data.istatCode)
        .where('fiscal_code', '=', event.data.fiscalCode)
        .where('kind', '=', 'autorizzato')
        .where('ended_at', 'is', null)
        .execute();
      return;
    }
  }
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
      if (!municipalityStream.holds(recorded)) {
        if (observatoryAdminsStream.holds(recorded)) await applyAdminEvent(trx, recorded);
      } else if (isMandateEvent(recorded)) await applyMandateEvent(trx, recorded);
      else await applyOfficerEvent(trx, recorded);
    }
  },
  tables: ['observatory_officers', 'observatory_mandates', 'observatory_admins'],
};

/** How a person files for a municipality: its user, a second user by authorisation, a delegate. */
export type MandateKind = 'responsabile' | 'autorizzato' | 'delegato';

const strength: Record<MandateKind, number> = { responsabile: 0, autorizzato: 1, delegato: 2 };

/** A municipality a person may file for, and how; a delegate only for its months. */
export interface Mandate {
  readonly istatCode: string;
  readonly email: string;
  readonly mandate: MandateKind;
  readonly fromMonth: string | null;
  readonly toMonth: string | null;
}

/** What a logged-in fiscal code may do in the observatory. */
export type ObservatoryRole = ({ readonly kind: 'officer' } & Mandate) | { readonly kind: 'admin' };

/** Where a person stands in the observatory: admin or not, and the municipalities it files for. */
export interface ObservatoryStanding {
  readonly admin: boolean;
  readonly mandates: readonly Mandate[];
}

/** A row of `standingRows`: the admin role, or one mandate. */
export interface StandingRow {
  readonly source: 'admin' | 'mandate';
  readonly istat_code: string;
  readonly email: string;
  readonly kind: MandateKind;
  readonly from_month: string | null;
  readonly to_month: string | null;
}

/**
 * The rows of a person's standing today ('YYYY-MM-DD'), `fiscalCode` a value or a column of the
 * statement it is part of: its admin role, the municipalities it is the user of, those it holds
 * an unexpired authorisation for, those whose filing it is delegated.
 */
export const standingRows = (
  fiscalCode: string | RawBuilder<string>,
  today: string,
) => sql<StandingRow>`
    select 'admin'::text as source, null::text as istat_code, null::text as email,
           null::text as kind, null::text as from_month, null::text as to_month
      from observatory_admins where fiscal_code = ${fiscalCode}
    union all
    select 'mandate', istat_code, email, 'responsabile', null, null
      from observatory_officers where fiscal_code = ${fiscalCode}
    union all
    select 'mandate', istat_code, email, kind, from_month, to_month
      from observatory_mandates
      where fiscal_code = ${fiscalCode} and ended_at is null
        and (expires_on is null or expires_on >= ${today})`;

/**
 * The standing its rows say; the strongest mandate counts where a person holds two for one
 * municipality.
 */
export function standingOf(rows: readonly StandingRow[]): ObservatoryStanding {
  const byMunicipality = new Map<string, Mandate>();
  const held = rows.filter((row) => row.source === 'mandate');
  for (const row of held.sort((a, b) => strength[a.kind] - strength[b.kind])) {
    if (byMunicipality.has(row.istat_code)) continue;
    byMunicipality.set(row.istat_code, {
      istatCode: row.istat_code,
      email: row.email,
      mandate: row.kind,
      fromMonth: row.from_month,
      toMonth: row.to_month,
    });
  }
  return {
    admin: held.length < rows.length,
    mandates: [...byMunicipality.values()].sort((a, b) => a.istatCode.localeCompare(b.istatCode)),
  };
}

/** The second users and delegates of a municipality, ended ones last. */
export async function mandatesFor(db: Kysely<Schema>, istatCode: string) {
  return db
    .selectFrom('observatory_mandates')
    .selectAll()
    .where('istat_code', '=', istatCode)
    .orderBy((eb) => eb('ended_at', 'is not', null))
    .orderBy('granted_at', 'desc')
    .execute();
}

/** Every live second user, for the admin's page. */
export async function secondUsers(db: Kysely<Schema>) {
  return db
    .selectFrom('observatory_mandates')
    .selectAll()
    .where('kind', '=', 'autorizzato')
    .where('ended_at', 'is', null)
    .orderBy('istat_code')
    .execute();
}

/** Every municipality's user. */
export async function officers(db: Kysely<Schema>) {
  return db.selectFrom('observatory_officers').selectAll().orderBy('istat_code').execute();
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
