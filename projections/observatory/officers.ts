import type { Kysely, Transaction } from 'kysely';
import type { AdminEvent } from '../../domain/observatory/observatoryAdmins.js';
import type { OfficerEvent } from '../../domain/observatory/municipalityOfficer.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import type { Schema } from '../../src/db/schema.js';
import type { Projection } from '../../src/projections/projection.js';

/** Who files each municipality's months, and who administers the observatory. */
export const observatoryPeopleProjection: Projection = {
  name: 'observatory_people',
  async apply(trx, events) {
    for (const recorded of events) {
      const at = recorded.metadata.occurredAt;
      if (recorded.streamId.startsWith('municipality-')) {
        const event = recorded as unknown as OfficerEvent;
        if (event.type === 'OfficerAssignmentEnded') {
          await trx
            .deleteFrom('observatory_officers')
            .where('istat_code', '=', event.data.istatCode)
            .where('fiscal_code', '=', event.data.fiscalCode)
            .execute();
        } else {
          const values = {
            istat_code: event.data.istatCode,
            fiscal_code: event.data.fiscalCode,
            email: event.data.email,
            assigned_at: at,
          };
          await trx
            .insertInto('observatory_officers')
            .values(values)
            .onConflict((oc) => oc.column('istat_code').doUpdateSet(values))
            .execute();
        }
      } else if (recorded.streamId === 'observatory-admins') {
        const event = recorded as unknown as AdminEvent;
        if (event.type === 'ObservatoryAdminGranted') {
          await trx
            .insertInto('observatory_admins')
            .values({ fiscal_code: event.data.fiscalCode, granted_at: at })
            .onConflict((oc) => oc.doNothing())
            .execute();
        } else {
          await trx
            .deleteFrom('observatory_admins')
            .where('fiscal_code', '=', event.data.fiscalCode)
            .execute();
        }
      }
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
  const officer = await db
    .selectFrom('observatory_officers')
    .select(['istat_code', 'email'])
    .where('fiscal_code', '=', fiscalCode)
    .executeTakeFirst();
  return officer
    ? { kind: 'officer', istatCode: officer.istat_code, email: officer.email }
    : { kind: 'none' };
}

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

/** The municipality (name) another fiscal code already serves, if any: one person, one municipality. */
export async function officerElsewhere(
  db: Kysely<Schema>,
  fiscalCode: string,
  istatCode: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('observatory_officers')
    .select('istat_code')
    .where('fiscal_code', '=', fiscalCode)
    .where('istat_code', '<>', istatCode)
    .executeTakeFirst();
  return row ? (municipalityByIstat(row.istat_code)?.name ?? row.istat_code) : null;
}
