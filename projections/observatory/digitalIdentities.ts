import type { Kysely, Selectable } from 'kysely';
import type { DigitalIdentitiesTable, Schema } from '../../src/platform/db/schema.js';
import type { Recorded, RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import { upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';
import {
  digitalIdentityStream,
  type DigitalIdentityEvent,
} from '../../domain/observatory/digitalIdentityEvents.js';

/** A person who logged in with SPID/CIE, with the names the identity provider last gave. */
export interface DigitalIdentityRow {
  readonly fiscalCode: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string | null;
  readonly issuer: string;
  readonly firstLoginAt: string;
  readonly lastLoginAt: string;
}

export function evolveDigitalIdentityRow(
  row: DigitalIdentityRow | undefined,
  event: RecordedEvent,
): DigitalIdentityRow | undefined {
  if (!digitalIdentityStream.holds(event) || event.type !== 'DigitalIdentityLoggedIn') {
    return undefined;
  }
  const at = event.metadata.occurredAt;
  return {
    fiscalCode: event.data.fiscalCode,
    givenName: event.data.givenName,
    familyName: event.data.familyName,
    email: event.data.email,
    issuer: event.data.issuer,
    firstLoginAt: row?.firstLoginAt ?? at,
    lastLoginAt: at,
  };
}

export const digitalIdentitiesProjection = rowProjection<
  DigitalIdentityRow,
  Recorded<DigitalIdentityEvent>
>({
  name: 'digital_identities',
  follows: digitalIdentityStream.holds,
  keyOf: (event) => digitalIdentityStream.parse(event.streamId),
  evolve: evolveDigitalIdentityRow,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('digital_identities')
      .selectAll()
      .where('fiscal_code', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.fiscal_code, fromTableRow(row)]));
  },
  save: (trx, rows) => upsertRows(trx, 'digital_identities', ['fiscal_code'], rows.map(toTableRow)),
  table: 'digital_identities',
});

const toTableRow = (row: DigitalIdentityRow) => ({
  fiscal_code: row.fiscalCode,
  given_name: row.givenName,
  family_name: row.familyName,
  email: row.email,
  issuer: row.issuer,
  first_login_at: row.firstLoginAt,
  last_login_at: row.lastLoginAt,
});

const fromTableRow = (row: Selectable<DigitalIdentitiesTable>): DigitalIdentityRow => ({
  fiscalCode: row.fiscal_code,
  givenName: row.given_name,
  familyName: row.family_name,
  email: row.email,
  issuer: row.issuer,
  firstLoginAt: row.first_login_at.toISOString(),
  lastLoginAt: row.last_login_at.toISOString(),
});

/** The names of the people with these fiscal codes, as their digital identity gave them. */
export async function identityNames(
  db: Kysely<Schema>,
  fiscalCodes: readonly string[],
): Promise<Map<string, string>> {
  if (fiscalCodes.length === 0) return new Map();
  const rows = await db
    .selectFrom('digital_identities')
    .select(['fiscal_code', 'given_name', 'family_name'])
    .where('fiscal_code', 'in', fiscalCodes)
    .execute();
  return new Map(rows.map((row) => [row.fiscal_code, `${row.given_name} ${row.family_name}`]));
}
