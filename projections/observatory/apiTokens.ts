import type { Kysely, Selectable } from 'kysely';
import { apiTokensStream, type ApiTokenEvent } from '../../domain/observatory/apiTokens.js';
import type { ObservatoryApiTokensTable, Schema } from '../../src/platform/db/schema.js';
import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

/** One API token as its municipality's page lists it and the API finds it by its hash. */
export interface ApiTokenRow {
  readonly keyId: string;
  readonly istatCode: string;
  readonly name: string;
  readonly secretHash: string;
  readonly issuedBy: string;
  readonly issuedAt: string;
  readonly issuedFrom: string | null;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

/** Pure: the token's row after the event; when and from where come from the event's metadata. */
export function evolveApiTokenRow(
  row: ApiTokenRow | undefined,
  event: ApiTokenEvent,
  at: string,
  from: string | null,
): ApiTokenRow | undefined {
  switch (event.type) {
    case 'ApiTokenIssued': {
      const { keyId, istatCode, name, secretHash, issuedBy } = event.data;
      return (
        row ?? {
          keyId,
          istatCode,
          name,
          secretHash,
          issuedBy,
          issuedAt: at,
          issuedFrom: from,
          revokedAt: null,
          revokedBy: null,
        }
      );
    }
    case 'ApiTokenRevoked':
      return row && { ...row, revokedAt: row.revokedAt ?? at, revokedBy: event.data.revokedBy };
  }
}

const fromTableRow = (row: Selectable<ObservatoryApiTokensTable>): ApiTokenRow => ({
  keyId: row.key_id,
  istatCode: row.istat_code,
  name: row.name,
  secretHash: row.secret_hash,
  issuedBy: row.issued_by,
  issuedAt: row.issued_at.toISOString(),
  issuedFrom: row.issued_from,
  revokedAt: row.revoked_at?.toISOString() ?? null,
  revokedBy: row.revoked_by,
});

const toTableRow = (row: ApiTokenRow) => ({
  key_id: row.keyId,
  istat_code: row.istatCode,
  name: row.name,
  secret_hash: row.secretHash,
  issued_by: row.issuedBy,
  issued_at: row.issuedAt,
  issued_from: row.issuedFrom,
  revoked_at: row.revokedAt,
  revoked_by: row.revokedBy,
});

export const apiTokensProjection = rowProjection<ApiTokenRow, Recorded<ApiTokenEvent>>({
  name: 'observatory_api_tokens',
  follows: apiTokensStream.holds,
  keyOf: (event) => event.data.keyId,
  evolve: (row, event) =>
    evolveApiTokenRow(row, event, event.metadata.occurredAt, event.metadata.clientIp),
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('observatory_api_tokens')
      .selectAll()
      .where('key_id', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.key_id, fromTableRow(row)]));
  },
  save: (trx, rows) => upsertRows(trx, 'observatory_api_tokens', ['key_id'], rows.map(toTableRow)),
  // The last uses stay: the API wrote them, and no event would bring them back.
  table: 'observatory_api_tokens',
});

/** A municipality's tokens, the active ones first, with their last use. */
export async function apiTokensOf(db: Kysely<Schema>, istatCode: string) {
  const rows = await db
    .selectFrom('observatory_api_tokens as t')
    .leftJoin('observatory_api_token_uses as u', 'u.key_id', 't.key_id')
    .selectAll('t')
    .select(['u.last_used_at', 'u.last_used_from'])
    .where('t.istat_code', '=', istatCode)
    .orderBy((eb) => eb('t.revoked_at', 'is', null), 'desc')
    .orderBy('t.issued_at', 'desc')
    .execute();
  return rows.map((row) => ({
    ...fromTableRow(row),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    lastUsedFrom: row.last_used_from,
  }));
}

/** The token with this secret's hash, revoked or not; undefined when no token has it. */
export async function apiTokenByHash(
  db: Kysely<Schema>,
  secretHash: string,
): Promise<ApiTokenRow | undefined> {
  const row = await db
    .selectFrom('observatory_api_tokens')
    .selectAll()
    .where('secret_hash', '=', secretHash)
    .executeTakeFirst();
  return row && fromTableRow(row);
}

/** The token was used now, from this address. */
export async function recordApiTokenUse(
  db: Kysely<Schema>,
  keyId: string,
  at: Date,
  from: string | null,
): Promise<void> {
  await db
    .insertInto('observatory_api_token_uses')
    .values({ key_id: keyId, last_used_at: at, last_used_from: from })
    .onConflict((oc) => oc.column('key_id').doUpdateSet({ last_used_at: at, last_used_from: from }))
    .execute();
}
