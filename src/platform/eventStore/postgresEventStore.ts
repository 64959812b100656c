import { sql } from 'kysely';
import { createHash, type KeyObject } from 'node:crypto';
import type { Database } from '../db/database.js';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type JsonObject,
  type NewEvent,
  type RecordedEvent,
} from './eventStore.js';
import { appendBatcher } from './appendBatcher.js';
import { appendWakeUps } from './wakeUps.js';
import { startOfLog } from './globalPosition.js';
import { postgresChainReader } from './postgresChainReader.js';
import { canonicalJson, digestInput } from './hashChain.js';
import { eventTag } from './eventTags.js';

const expectedVersionCode = (expected: ExpectedVersion): number => {
  switch (expected) {
    case 'any':
      return -1;
    case 'no-stream':
      return -2;
    case 'stream-exists':
      return -3;
    default:
      if (!Number.isInteger(expected) || expected < 0) {
        throw new RangeError(`Invalid expected version: ${expected}`);
      }
      return expected;
  }
};

interface EventRow {
  position: string;
  tx_id: string;
  stream_id: string;
  version: number;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  /** Hex, as PostgreSQL encodes it: cheaper than a Buffer made and turned to hex here. */
  hash: string;
  tag: string | null;
}

/** One appendToStream call as append_to_stream and append_batch take it. */
interface Append {
  readonly streamId: string;
  readonly expected: number;
  readonly events: readonly {
    eventId: string;
    type: string;
    /** Canonical JSON texts. */
    data: string;
    metadata: string;
    digest: string;
    /** eventTags.ts, when the store was given the key. */
    tag?: string;
  }[];
}

interface AppendRow {
  outcome: 'appended' | 'duplicate' | 'duplicate-elsewhere' | 'conflict';
  stream_version: number;
  tx_id: string | null;
  last_position: string | null;
}

/** How appends share transactions (appendBatcher): calls at once, appends per call. */
export interface Batching {
  readonly inFlight: number;
  readonly maxBatch: number;
}

/**
 * Two calls at once: measured with 16 writers (bench/store.bench.ts), more calls in flight made
 * smaller batches and more work for the server per event (1: 3,609, 2: 3,871, 3: 3,352, 4: 3,177
 * events/s, medians of four rounds; the raw INSERT 3,980 in the same rounds).
 */
const defaultBatching: Batching = { inFlight: 2, maxBatch: 64 };

const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  streamId: row.stream_id,
  version: row.version,
  position: { commit: BigInt(row.tx_id), prepare: BigInt(row.position) },
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  hash: row.hash,
  tag: row.tag,
});

/**
 * The event store on PostgreSQL or PGlite. Optimistic concurrency, idempotency and the hash chain
 * are enforced by the append_to_stream function (migrations/0001_event_store.ts).
 */
export function createPostgresEventStore(
  database: Database,
  options: {
    now?: () => Date;
    batching?: Batching;
    /** Tags each event appended (eventTags.ts); without it the events go untagged. */
    tagKey?: KeyObject;
  } = {},
): EventStore {
  const { db } = database;
  const now = options.now ?? (() => new Date());
  const wakeUps = appendWakeUps(database);
  // Output columns are cast to text for bigint safety: ORDER BY must name the table's columns
  // (events.tx_id), or it would sort the text ('10' < '9').
  const columns = sql.raw(
    "position::text as position, tx_id::text as tx_id, stream_id, version, type, data, metadata, encode(hash, 'hex') as hash, encode(tag, 'hex') as tag",
  );

  const append = appendBatcher<Append, AppendRow>({
    one: async ({ streamId, expected, events }) => {
      const { rows } = await sql<AppendRow>`
        select * from append_to_stream(${streamId}, ${expected}, ${JSON.stringify(events)}::jsonb)`.execute(
        db,
      );
      if (!rows[0]) throw new Error('append_to_stream returned nothing');
      return rows[0];
    },
    many: async (appends) => {
      const { rows } = await sql<AppendRow & { item: number }>`
        select * from append_batch(${JSON.stringify(appends)}::jsonb)`.execute(db);
      return rows.sort((a, b) => a.item - b.item);
    },
    ...(options.batching ?? defaultBatching),
  });

  return {
    async appendToStream(streamId, events, { expectedVersion = 'any' } = {}) {
      if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
      const recordedAt = now().toISOString();
      // Stored as the canonical texts the digest covers (migrations/0010).
      const payload = events.map((event: NewEvent) => {
        const data = canonicalJson(JSON.parse(JSON.stringify(event.data)));
        const metadata = canonicalJson(
          JSON.parse(JSON.stringify({ ...event.metadata, recordedAt })),
        );
        const digest = createHash('sha256')
          .update(digestInput(event.type, data, metadata))
          .digest('hex');
        const tag = options.tagKey && eventTag(options.tagKey, streamId, digest);
        return { eventId: event.metadata.eventId, type: event.type, data, metadata, digest, tag };
      });
      const expected = expectedVersionCode(expectedVersion);
      const row = await append({ streamId, expected, events: payload });
      if (row.outcome === 'conflict') {
        throw new WrongExpectedVersionError(streamId, expectedVersion, row.stream_version);
      }
      if (row.outcome === 'duplicate-elsewhere') {
        throw new DuplicateEventIdError(
          streamId,
          payload.map((event) => event.eventId),
        );
      }
      if (row.outcome === 'appended') wakeUps.afterAppend();
      return {
        nextExpectedVersion: row.stream_version,
        position: { commit: BigInt(row.tx_id ?? 0), prepare: BigInt(row.last_position ?? 0) },
      } satisfies AppendResult;
    },

    async readStream(streamId, { fromVersion = 1, toVersion } = {}) {
      // One statement, so the head and the events are of one snapshot: the head's row, joined
      // to each event asked for, or alone (its event columns null) when none is.
      const upTo = toVersion === undefined ? sql`` : sql`and e.version <= ${toVersion}`;
      const { rows } = await sql<{ head: number } & (EventRow | { [K in keyof EventRow]: null })>`
        select s.version as head, e.* from streams s
        left join lateral (
          select ${columns} from events e
          where e.stream_id = s.stream_id and e.version >= ${fromVersion} ${upTo}
          order by e.version) e on true
        where s.stream_id = ${streamId}
        order by e.version`.execute(db);
      const version = rows[0]?.head ?? 0;
      const events = rows.flatMap((row) => (row.position === null ? [] : [toRecordedEvent(row)]));
      return { version, events };
    },

    async readAll({ after, limit }) {
      const from = after ?? startOfLog;
      const { rows } = await sql<EventRow>`
        select ${columns} from events
        where (tx_id, position) > (${from.commit.toString()}::xid8, ${from.prepare.toString()}::bigint)
          and tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by events.tx_id, events.position
        limit ${limit}`.execute(db);
      return rows.map(toRecordedEvent);
    },

    async headPosition() {
      const { rows } = await sql<{ tx_id: string; position: string }>`
        select tx_id::text as tx_id, position::text as position from events
        where tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by events.tx_id desc, events.position desc
        limit 1`.execute(db);
      const row = rows[0];
      return row ? { commit: BigInt(row.tx_id), prepare: BigInt(row.position) } : null;
    },

    onAppended: (listener) => wakeUps.onAppended(listener),

    chain: postgresChainReader(database),

    async close() {
      // The database belongs to the composition root, which closes it.
    },
  };
}
