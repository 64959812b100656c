import { sql, type Kysely, type RawBuilder } from 'kysely';
import { leavesAt } from '../../projections/audit/merkleTree.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';

/**
 * Where the auditor section's queries (search, export, permalinks, heads) find the log. With the
 * PostgreSQL store, its own `events` table and the `streams` heads beside it. With KurrentDB the
 * events live elsewhere, and `event_log_copy` (migrations/0014, filled by eventLogCopy.ts) holds
 * every event with the same columns: `tx_id` the commit position, `position` the prepare one.
 * Routes and projections take it from the store they are given (auditLogOf).
 */
export interface AuditLog {
  readonly table: 'events' | 'event_log_copy';
}

export const storeLog: AuditLog = { table: 'events' };
export const copiedLog: AuditLog = { table: 'event_log_copy' };

/**
 * The log the section reads for this store: the PostgreSQL store's own `events`, which it also
 * reads its chain from (its `chain` reader, as countLogEvents and the integrity check know it);
 * the copy for any other store (KurrentDB), whose events are not in this database.
 */
export const auditLogOf = (store: Pick<EventStore, 'chain'>): AuditLog =>
  store.chain ? storeLog : copiedLog;

/** The log's table, named `events` in the query so every column reads the same either way. */
export const eventsTable = (log: AuditLog): RawBuilder<unknown> =>
  sql`${sql.table(log.table)} as events`;

export interface ChainHead {
  readonly version: number;
  readonly hash: string;
}

/**
 * Each stream's head now: from the record kept apart from the events (`streams`) for the
 * PostgreSQL store; from the last copied event otherwise (KurrentDB keeps its own).
 */
export async function chainHeads(
  db: Kysely<Schema>,
  log: AuditLog,
  streamIds: readonly string[],
): Promise<Record<string, ChainHead>> {
  const heads: Record<string, ChainHead> = {};
  for (let from = 0; from < streamIds.length; from += 1_000) {
    const chunk = streamIds.slice(from, from + 1_000);
    const { rows } =
      log.table === 'events'
        ? await sql<{ stream_id: string; version: number; hash: Buffer }>`
            select stream_id, version, last_hash as hash from streams
            where stream_id = any(${chunk}::text[])`.execute(db)
        : await sql<{ stream_id: string; version: number; hash: Buffer }>`
            select s.id as stream_id, last.version, last.hash
            from unnest(${chunk}::text[]) as s(id)
            cross join lateral (
              select version, hash from event_log_copy c
              where c.stream_id = s.id order by version desc limit 1
            ) as last`.execute(db);
    for (const row of rows) {
      heads[row.stream_id] = { version: row.version, hash: Buffer.from(row.hash).toString('hex') };
    }
  }
  return heads;
}

/** Where an event is, by its id: the permalink's answer; null when the log has no such event. */
export async function eventPlace(
  db: Kysely<Schema>,
  log: AuditLog,
  eventId: string,
): Promise<{ streamId: string; version: number } | null> {
  const { rows } = await sql<{ stream_id: string; version: number }>`
    select stream_id, version from ${eventsTable(log)}
    where event_id = ${eventId}::uuid limit 1`.execute(db);
  const row = rows[0];
  return row ? { streamId: row.stream_id, version: row.version } : null;
}

/** An event id as the log keeps them: a uuid column refuses anything else. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The leaf an event is in the Merkle tree over the log, found by its place in the log; null for
 * an id the log lacks or an event the tree has not taken in (yet). An id found twice (KurrentDB
 * does not keep ids unique across streams) is the first one's leaf.
 */
export async function leafOfEvent(
  db: Kysely<Schema>,
  log: AuditLog,
  eventId: string,
): Promise<number | null> {
  if (!uuidPattern.test(eventId)) return null;
  // ORDER BY names the table's columns: the output columns are text ('10' < '9').
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select events.tx_id::text as tx_id, events.position::text as position
    from ${eventsTable(log)} where event_id = ${eventId}::uuid
    order by events.tx_id, events.position limit 1`.execute(db);
  const row = rows[0];
  if (!row) return null;
  const [leaf = null] = await leavesAt(db, [
    { commit: BigInt(row.tx_id), prepare: BigInt(row.position) },
  ]);
  return leaf;
}

/**
 * Where the log ends for an export that starts now: the store's head for its own table; the last
 * copied event for the copy (what the copy has not reached yet is not in the export either).
 */
export async function logHead(deps: {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly log: AuditLog;
}): Promise<GlobalPosition | null> {
  if (deps.log.table === 'events') return deps.store.headPosition();
  // ORDER BY names the table's columns: the output columns are text ('10' < '9').
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text as tx_id, position::text as position from event_log_copy
    order by event_log_copy.tx_id desc, event_log_copy.position desc limit 1`.execute(deps.db);
  const row = rows[0];
  return row ? { commit: BigInt(row.tx_id), prepare: BigInt(row.position) } : null;
}
