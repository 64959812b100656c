import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Schema } from '../platform/db/schema.js';
import type { EventMetadata, GlobalPosition } from '../platform/eventStore/eventStore.js';
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

/**
 * Where a page starts: a row's global position, and its time when the search orders by the
 * time its range is on (a ranged search is read in that time's order: see searchHistory).
 */
export interface HistoryCursor {
  readonly position: GlobalPosition;
  readonly time?: string;
}

export interface HistoryQuery {
  readonly filter: HistoryFilter;
  readonly order: HistoryOrder;
  /** The rows after this cursor in the page order ("Successivi")… */
  readonly after?: HistoryCursor | null;
  /** …or the rows before it ("Precedenti"). */
  readonly before?: HistoryCursor | null;
  readonly limit?: number;
  /**
   * `log`: always in the log's order (an export, which walks every match once); `page`
   * (default): a time range is read in its time's order, so that a page is one index range.
   */
  readonly ordering?: 'page' | 'log';
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
  readonly next: HistoryCursor | null;
  readonly previous: HistoryCursor | null;
  /** The time the rows are ordered by first, when it is not the log's order. */
  readonly orderedBy: 'occurredAt' | 'recordedAt' | null;
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

const timeExpression = (field: 'occurredAt' | 'recordedAt') =>
  sql.raw(field === 'recordedAt' ? "(metadata ->> 'recordedAt')" : "(metadata ->> 'occurredAt')");

/** Events the probe of a prefix search reads in the log's order before it asks the index. */
export const prefixProbe = 2_000;

interface Plan {
  /** The filters' predicates, and the cursor's. */
  readonly where: RawBuilder<unknown>[];
  /** The filters' predicates alone. */
  readonly filters: RawBuilder<unknown>[];
  readonly descending: boolean;
  readonly time: 'occurredAt' | 'recordedAt' | null;
  readonly limit: number;
}

type Row = {
  position: string;
  tx_id: string;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  metadata: EventMetadata;
  time: string | null;
};

const columns = sql`events.position::text as position, events.tx_id::text as tx_id,
  events.stream_id, events.version, events.event_id, events.type, events.metadata`;

function orderBy(plan: Plan, prefix = 'events'): RawBuilder<unknown> {
  const direction = sql.raw(plan.descending ? 'desc' : 'asc');
  const table = sql.raw(prefix);
  const time = plan.time ? sql`${timeExpression(plan.time)} ${direction}, ` : sql``;
  return sql`${time}${table}.tx_id ${direction}, ${table}.position ${direction}`;
}

const whereOf = (where: readonly RawBuilder<unknown>[]) =>
  where.length ? sql.join(where, sql` and `) : sql`true`;

/**
 * A page of the log, newest or oldest first, by keyset, each page one index range read however
 * long the log (migrations/0009 and 0014):
 * - in general, on the global position (tx_id, position), through the filters' indexes that end
 *   with it;
 * - with a time range, in that time's order then the position's, through the (time, tx_id,
 *   position) index: the log's order would scan every event from the cursor to the range;
 * - with a stream prefix, the next `prefixProbe` events in the log's order first, and only if
 *   they hold too few matches (the prefix's streams are elsewhere in the log), every match of
 *   the prefix from its (stream_id, tx_id, position) index, read without the table, sorted.
 * A page asked "before" a cursor is read backwards and turned round.
 */
export async function searchHistory(
  db: Kysely<Schema>,
  log: AuditLog,
  query: HistoryQuery,
): Promise<HistoryPage> {
  const limit = query.limit ?? historyPageSize;
  const backwards = !query.after && !!query.before;
  const descending = (query.order === 'newest') !== backwards;
  const ranged = !!(query.filter.timeFrom ?? query.filter.timeBefore);
  const time = ranged && query.ordering !== 'log' ? (query.filter.timeField ?? 'occurredAt') : null;
  const filters = conditions(query.filter);
  const where = [...filters];
  const cursor = query.after ?? query.before;
  const comparison = sql.raw(descending ? '<' : '>');
  if (cursor && time) {
    where.push(
      sql`(${timeExpression(time)}, tx_id, position) ${comparison} (${cursor.time ?? ''}, ${cursor.position.commit.toString()}::xid8, ${cursor.position.prepare.toString()}::bigint)`,
    );
  } else if (cursor) {
    where.push(sql`(tx_id, position) ${comparison} ${tuple(cursor.position)}`);
  }
  const plan: Plan = { where, filters, descending, time, limit: limit + 1 };
  const rows =
    query.filter.streamPrefix && query.filter.streamId && !time
      ? await probeThenIndex(db, log, plan, cursor?.position ?? null)
      : await pageRows(db, log, plan);
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map((row) => ({
    row: {
      position: { commit: BigInt(row.tx_id), prepare: BigInt(row.position) },
      streamId: row.stream_id,
      version: row.version,
      eventId: row.event_id,
      type: row.type,
      metadata: row.metadata,
    } satisfies HistoryRow,
    cursor: {
      position: { commit: BigInt(row.tx_id), prepare: BigInt(row.position) },
      ...(time ? { time: row.time ?? '' } : {}),
    } satisfies HistoryCursor,
  }));
  if (backwards) page.reverse();
  const first = page[0]?.cursor ?? null;
  const last = page.at(-1)?.cursor ?? null;
  // The cursor came from a row of the neighbouring page, and the log never loses rows.
  return {
    rows: page.map((entry) => entry.row),
    next: backwards ? last : more ? last : null,
    previous: backwards ? (more ? first : null) : query.after ? first : null,
    orderedBy: time,
  };
}

async function pageRows(db: Kysely<Schema>, log: AuditLog, plan: Plan): Promise<Row[]> {
  const time = plan.time ? sql`${timeExpression(plan.time)}` : sql`null`;
  // ORDER BY names the table's columns: the output columns are text ('10' < '9').
  const { rows } = await sql<Row>`
    select ${columns}, ${time} as time
    from ${eventsTable(log)}
    where ${whereOf(plan.where)}
    order by ${orderBy(plan)}
    limit ${plan.limit}`.execute(db);
  return rows;
}

/**
 * A prefix search: the planner cannot know whether the prefix's events are near the cursor, so
 * first the next `prefixProbe` events in the log's order (a bounded read), then, only when they
 * hold too few matches, the rest from the prefix index: (tx_id, position) of every match read
 * from the index alone, sorted, the page's rows fetched by position.
 */
async function probeThenIndex(
  db: Kysely<Schema>,
  log: AuditLog,
  plan: Plan,
  cursor: GlobalPosition | null,
): Promise<Row[]> {
  const direction = sql.raw(plan.descending ? 'desc' : 'asc');
  const comparison = sql.raw(plan.descending ? '<' : '>');
  const start = cursor ? sql`(tx_id, position) ${comparison} ${tuple(cursor)}` : sql`true`;
  const { rows: window } = await sql<Row & { matches: boolean }>`
    select *, null as time from (
      select ${columns}, events.tx_id as tx, events.position as pos,
        (${whereOf(plan.where)}) as matches
      from ${eventsTable(log)}
      where ${start}
      order by ${orderBy(plan)}
      limit ${prefixProbe}
    ) as probe
    order by probe.tx ${direction}, probe.pos ${direction}`.execute(db);
  const found = window.filter((row) => row.matches).slice(0, plan.limit);
  const end = window.at(-1);
  if (found.length >= plan.limit || window.length < prefixProbe || !end) return found;
  const filters = plan.filters;
  // Materialized: the matches from the filters' indexes alone (the prefix index holds tx_id and
  // position), not the log's index from the cursor, which the planner would otherwise prefer.
  const { rows } = await sql<Row>`
    with matches as materialized (
      select tx_id, position from ${eventsTable(log)}
      where ${whereOf(filters)}
    ), page as (
      select tx_id, position from matches
      where (tx_id, position) ${comparison} (${end.tx_id}::xid8, ${end.position}::bigint)
      order by tx_id ${direction}, position ${direction}
      limit ${plan.limit - found.length}
    )
    select ${columns}, null as time
    from page join ${eventsTable(log)}
      on events.tx_id = page.tx_id and events.position = page.position
    order by ${orderBy(plan)}`.execute(db);
  return [...found, ...rows];
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
