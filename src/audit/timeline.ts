import { sql, type Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { auditLogOf, chainHeads, eventsTable, uuidPattern } from './auditLog.js';
import { actorNames } from './historySearch.js';
import { chainStatuses, type TimelineEntry } from './timelineChain.js';

/** Events per timeline page: a stream as long as a year's protocol register is paged. */
export const timelinePageSize = 25;

/** Another event, as a link: where it is and what it is. */
export interface EventLink {
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
}

export interface Timeline {
  readonly streamId: string;
  /** The stream's length by its head record (a removed last event still counts). */
  readonly version: number;
  readonly from: number;
  readonly to: number;
  readonly entries: readonly TimelineEntry[];
  /** The event each causation id names, when it is an event (otherwise it was a command). */
  readonly causes: ReadonlyMap<string, EventLink>;
  /** By event id: events whose causation (or correlation) is that event. */
  readonly consequences: ReadonlyMap<string, readonly EventLink[]>;
  /** By correlation id: a few events of the same request, outside this page. */
  readonly sameRequest: ReadonlyMap<string, readonly EventLink[]>;
  /** On the last page: whether the stream's head record still names the last event's link. */
  readonly headMatches: boolean | null;
  /** The page's actors that are accounts, by id: "Full Name (username)". */
  readonly actorNames: ReadonlyMap<string, string>;
}

/** How many events of the same request a timeline lists before pointing to the search. */
export const sameRequestShown = 10;

interface LinkRow {
  event_id: string;
  stream_id: string;
  version: number;
  type: string;
  key: string;
}

const toLink = (row: LinkRow): EventLink => ({
  eventId: row.event_id,
  streamId: row.stream_id,
  version: row.version,
  type: row.type,
});

function groupBy(rows: readonly LinkRow[]): Map<string, EventLink[]> {
  const groups = new Map<string, EventLink[]>();
  for (const row of rows) groups.set(row.key, [...(groups.get(row.key) ?? []), toLink(row)]);
  return groups;
}

/**
 * One page of a stream's timeline: its events (through the event store port), each with its
 * recomputed chain status, and the links around them (one indexed query each, whatever the
 * log's size: migrations/0009).
 */
export async function loadTimeline(
  deps: { readonly db: Kysely<Schema>; readonly store: EventStore },
  streamId: string,
  from: number,
): Promise<Timeline | null> {
  const { db, store } = deps;
  // The links are read where the auditor section finds the log (events, or its copy).
  const log = auditLogOf(store);
  const table = eventsTable(log);
  const start = Math.max(from, 1);
  const to = start + timelinePageSize - 1;
  // One event before the page: its stored link starts the page's chain.
  const read = await store.readStream(streamId, {
    fromVersion: Math.max(start - 1, 1),
    toVersion: to,
  });
  const lastStored = read.events.at(-1)?.version ?? 0;
  const version = Math.max(read.version, lastStored);
  if (version === 0) return null;
  const entries = chainStatuses(read.events, { from: start, to: Math.min(to, version) });
  const shown = entries.flatMap((entry) => (entry.event ? [entry.event] : []));
  const eventIds = shown.map((event) => event.metadata.eventId);
  // A causation id names an event or a command; only a uuid can name an event.
  const causationIds = [
    ...new Set(shown.flatMap((event) => event.metadata.causationId ?? [])),
  ].filter((id) => uuidPattern.test(id));
  const correlationIds = [...new Set(shown.map((event) => event.metadata.correlationId))];

  const [causes, consequences, sameRequest, head, names] = await Promise.all([
    causationIds.length === 0
      ? []
      : sql<LinkRow>`
          select event_id::text as event_id, stream_id, version, type, event_id::text as key
          from ${table} where event_id = any(${causationIds}::uuid[])`
          .execute(db)
          .then((r) => r.rows),
    eventIds.length === 0
      ? []
      : sql<LinkRow & { causation: string | null; correlation: string }>`
          select event_id::text as event_id, stream_id, version, type, '' as key,
            metadata ->> 'causationId' as causation, metadata ->> 'correlationId' as correlation
          from ${table}
          where (metadata ->> 'causationId') = any(${eventIds}::text[])
             or (metadata ->> 'correlationId') = any(${eventIds}::text[])
          order by events.tx_id, events.position
          limit 1000`
          .execute(db)
          .then((r) => r.rows),
    correlationIds.length === 0
      ? []
      : sql<LinkRow>`
          select r.event_id, r.stream_id, r.version, r.type, c.id as key
          from unnest(${correlationIds}::text[]) as c(id)
          cross join lateral (
            select event_id::text as event_id, stream_id, version, type
            from ${table}
            where (metadata ->> 'correlationId') = c.id
              and not (stream_id = ${streamId} and version between ${start} and ${to})
            order by events.tx_id, events.position
            limit ${sameRequestShown + 1}
          ) as r`
          .execute(db)
          .then((r) => r.rows),
    version <= to ? chainHeads(db, log, [streamId]).then((heads) => heads[streamId]) : undefined,
    actorNames(
      db,
      shown.map((event) => event.metadata.actor.id),
    ),
  ]);

  const lastEvent = shown.at(-1);
  return {
    streamId,
    version,
    from: start,
    to: Math.min(to, version),
    entries,
    causes: new Map(causes.map((row) => [row.key, toLink(row)])),
    consequences: consequencesOf(consequences, new Set(eventIds)),
    sameRequest: groupBy(sameRequest),
    headMatches: head && lastEvent?.version === version ? head.hash === lastEvent.hash : null,
    actorNames: names,
  };
}

/**
 * The events each page event caused: named as their causation, or as their correlation (a
 * reaction that starts a new chain from an event); never the event itself.
 */
function consequencesOf(
  rows: readonly (LinkRow & { causation: string | null; correlation: string })[],
  ids: ReadonlySet<string>,
): Map<string, EventLink[]> {
  const keyed = rows.flatMap((row) => {
    const keys = new Set([row.causation, row.correlation]);
    return [...keys]
      .filter((key): key is string => !!key && ids.has(key) && key !== row.event_id)
      .map((key) => ({ ...row, key }));
  });
  return groupBy(keyed);
}
