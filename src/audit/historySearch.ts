import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { EventMetadata, GlobalPosition } from '../eventStore/eventStore.js';
import { eventsTable, type AuditLog } from './auditLog.js';

export interface HistoryFilter {
  readonly streamId?: string;
  /** Match stream ids that start with `streamId` rather than the exact id. */
  readonly streamPrefix?: boolean;
  /** Only these streams (a company's, a declaration's: historyReferences.ts). */
  readonly streamIds?: readonly string[];
  readonly type?: string;
  /** Any of these actors (an account id, `system`, `cf:…`; a name resolved to its ids). */
  readonly actorIds?: readonly string[];
  readonly correlationId?: string;
  /** Which time the range is on: the command's (occurredAt, default) or the store's. */
  readonly timeField?: 'occurredAt' | 'recordedAt';
  /** That time ≥ this ISO instant. */
  readonly timeFrom?: string;
  /** That time < this ISO instant. */
  readonly timeBefore?: string;
}

export type HistoryOrder = 'newest' | 'oldest';

export interface HistoryQuery {
  readonly filter: HistoryFilter;
  readonly order: HistoryOrder;
  /** The rows after this position in the page order ("Successivi")… */
  readonly after?: GlobalPosition | null;
  /** …or the rows before it ("Precedenti"). */
  readonly before?: GlobalPosition | null;
  readonly limit?: number;
}

export interface HistoryRow {
  readonly position: GlobalPosition;
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly metadata: EventMetadata;
}

export interface HistoryPage {
  readonly rows: readonly HistoryRow[];
  /** Cursors of the neighbouring pages, null at either end. */
  readonly next: GlobalPosition | null;
  readonly previous: GlobalPosition | null;
}

export const historyPageSize = 50;

/** LIKE treats % and _ as wildcards and \ as the escape: a typed prefix means itself. */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One predicate per filter, each written as its index in migrations/0009 and 0014 spells it. */
function conditions(filter: HistoryFilter): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (filter.streamId) {
    where.push(
      filter.streamPrefix
        ? sql`stream_id like ${likePrefix(filter.streamId)}`
        : sql`stream_id = ${filter.streamId}`,
    );
  }
  if (filter.streamIds) where.push(sql`stream_id = any(${filter.streamIds}::text[])`);
  if (filter.type) where.push(sql`type = ${filter.type}`);
  if (filter.actorIds) {
    where.push(sql`(metadata -> 'actor' ->> 'id') = any(${filter.actorIds}::text[])`);
  }
  if (filter.correlationId)
    where.push(sql`(metadata ->> 'correlationId') = ${filter.correlationId}`);
  const time = sql.raw(
    filter.timeField === 'recordedAt'
      ? "(metadata ->> 'recordedAt')"
      : "(metadata ->> 'occurredAt')",
  );
  if (filter.timeFrom) where.push(sql`${time} >= ${filter.timeFrom}`);
  if (filter.timeBefore) where.push(sql`${time} < ${filter.timeBefore}`);
  return where;
}

const tuple = (position: GlobalPosition) =>
  sql`(${position.commit.toString()}::xid8, ${position.prepare.toString()}::bigint)`;

/**
 * A page of the log, newest or oldest first, by keyset on the global position (tx_id, position):
 * each page is one index range read, as fast on the millionth event as on the first. A page asked
 * "before" a cursor is read backwards and turned round.
 */
export async function searchHistory(
  db: Kysely<Schema>,
  log: AuditLog,
  query: HistoryQuery,
): Promise<HistoryPage> {
  const limit = query.limit ?? historyPageSize;
  const backwards = !query.after && !!query.before;
  const descending = (query.order === 'newest') !== backwards;
  const where = conditions(query.filter);
  const cursor = query.after ?? query.before;
  if (cursor)
    where.push(sql`(tx_id, position) ${sql.raw(descending ? '<' : '>')} ${tuple(cursor)}`);
  const direction = sql.raw(descending ? 'desc' : 'asc');
  // ORDER BY names the table's columns: the output columns are text ('10' < '9').
  const { rows } = await sql<{
    position: string;
    tx_id: string;
    stream_id: string;
    version: number;
    event_id: string;
    type: string;
    metadata: EventMetadata;
  }>`
    select position::text as position, tx_id::text as tx_id, stream_id, version, event_id, type,
      metadata
    from ${eventsTable(log)}
    where ${where.length ? sql.join(where, sql` and `) : sql`true`}
    order by events.tx_id ${direction}, events.position ${direction}
    limit ${limit + 1}`.execute(db);
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map((row): HistoryRow => ({
    position: { commit: BigInt(row.tx_id), prepare: BigInt(row.position) },
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    metadata: row.metadata,
  }));
  if (backwards) page.reverse();
  const first = page[0]?.position ?? null;
  const last = page.at(-1)?.position ?? null;
  // The cursor came from a row of the neighbouring page, and the log never loses rows.
  return {
    rows: page,
    next: backwards ? last : more ? last : null,
    previous: backwards ? (more ? first : null) : query.after ? first : null,
  };
}

/**
 * The distinct event types, for the search form: a skip scan over events_type_idx, one index
 * probe per type rather than a pass over the whole log.
 */
export async function eventTypes(db: Kysely<Schema>, log: AuditLog): Promise<string[]> {
  const table = sql.table(log.table);
  const { rows } = await sql<{ type: string }>`
    with recursive types (type) as (
      (select type from ${table} order by type limit 1)
      union all
      select (select e.type from ${table} e where e.type > t.type order by e.type limit 1)
      from types t where t.type is not null
    )
    select type from types where type is not null`.execute(db);
  return rows.map((row) => row.type);
}

/** Full names (and usernames) of the accounts among these actor ids. */
export async function actorNames(
  db: Kysely<Schema>,
  actorIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(actorIds)];
  if (ids.length === 0) return new Map();
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'full_name', 'username'])
    .where('account_id', 'in', ids)
    .execute();
  return new Map(accounts.map((a) => [a.account_id, `${a.full_name} (${a.username})`]));
}
