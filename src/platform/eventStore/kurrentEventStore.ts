import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type CurrentStreamState,
  type Direction,
  type RecordedEvent as KurrentRecordedEvent,
  type ReadStreamOptions as KurrentReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type GlobalPosition,
  type JsonObject,
  type NewEvent,
  type RecordedEvent,
} from './eventStore.js';
import { comparePositions } from './globalPosition.js';
import { chainHash, eventDigest, genesisHash } from './hashChain.js';

/** Rounds of read-then-append a writer may lose to concurrent writers before giving up. */
const maxAppendAttempts = 10;
/** Records per backwards page when looking for the head: only our events count. */
const headPageSize = 100;

type StoredMetadata = EventMetadata & { readonly hash: string };
type PendingEvent = Pick<RecordedEvent, 'type' | 'data' | 'metadata'>;

/**
 * The event store on KurrentDB, with the semantics of the PostgreSQL adapter. KurrentDB keeps the
 * stream order and optimistic concurrency; the hash chain, the full metadata and idempotency by
 * event id are kept here, in each event's metadata JSON.
 */
export function createKurrentEventStore(
  connectionString: string,
  options: { now?: () => Date } = {},
): EventStore {
  const client = KurrentDBClient.connectionString(connectionString);
  const now = options.now ?? (() => new Date());

  return {
    async appendToStream(streamId, events, { expectedVersion = 'any' } = {}) {
      if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
      assertValidExpectedVersion(expectedVersion);
      return appendWithRetry(client, streamId, normalise(events, now()), expectedVersion);
    },

    async readStream(streamId, { fromVersion = 1, toVersion } = {}) {
      const [last] = await readRecords(client, streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      const version = last?.version ?? 0;
      const from = Math.max(fromVersion, 1);
      const upTo = Math.min(toVersion ?? version, version);
      if (upTo < from) return { version, events: [] };
      const events = await readRecords(client, streamId, {
        fromRevision: BigInt(from - 1),
        maxCount: upTo - from + 1,
      });
      return { version, events };
    },

    async readAll({ after, limit }) {
      const events: RecordedEvent[] = [];
      if (limit <= 0) return events;
      // One more than the limit, as a read from `after` may return the event at `after` itself.
      for await (const event of scanAll(client, FORWARDS, after ?? null, limit + 1)) {
        events.push(event);
        if (events.length === limit) break;
      }
      return events;
    },

    async headPosition() {
      for await (const event of scanAll(client, BACKWARDS, null, headPageSize)) {
        return event.position;
      }
      return null;
    },

    onAppended(listener) {
      return subscribeToAppends(client, listener);
    },

    async close() {
      await client.dispose();
    },
  };
}

function assertValidExpectedVersion(expected: ExpectedVersion): void {
  if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
    throw new RangeError(`Invalid expected version: ${expected}`);
  }
}

/** The JSON round trip makes the hashed content exactly what a reader will parse back. */
function normalise(events: readonly NewEvent[], recordedAt: Date): PendingEvent[] {
  return events.map((event) => ({
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)) as JsonObject,
    metadata: JSON.parse(
      JSON.stringify({ ...event.metadata, recordedAt: recordedAt.toISOString() }),
    ) as EventMetadata,
  }));
}

/**
 * Reads the stream, then appends expecting exactly the revision it read, so no other writer can
 * slip in between and fork the hash chain. A lost race means the chain moved on: read again.
 * The caller's expected version is checked against each read, so it is honoured as in PostgreSQL.
 * The whole stream is read, not only its last event, to find a retried batch by its event ids;
 * the streams here are short (one declaration, one month of flows).
 */
async function appendWithRetry(
  client: KurrentDBClient,
  streamId: string,
  batch: readonly PendingEvent[],
  expected: ExpectedVersion,
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt++) {
    const history = await readRecords(client, streamId, {});
    const earlier = earlierAppend(streamId, history, batch);
    if (earlier) return earlier;
    const last = history.at(-1);
    const version = last?.version ?? 0;
    if (!meetsExpectation(expected, version)) {
      throw new WrongExpectedVersionError(streamId, expected, version);
    }
    try {
      return await appendAfter(client, streamId, batch, last);
    } catch (error) {
      if (!(error instanceof KurrentWrongExpectedVersionError)) throw error;
      if (attempt >= maxAppendAttempts) {
        throw new WrongExpectedVersionError(streamId, expected, versionOf(error.actualState));
      }
    }
  }
}

/**
 * A retry of an append that already happened gets the first result again. KurrentDB does not
 * index event ids across streams, so an id used in another stream goes undetected here: only ids
 * already in this stream are found (the PostgreSQL adapter also refuses ids of other streams).
 */
function earlierAppend(
  streamId: string,
  history: readonly RecordedEvent[],
  batch: readonly PendingEvent[],
): AppendResult | null {
  const ids = batch.map((event) => event.metadata.eventId);
  const wanted = new Set(ids);
  const found = history.filter((event) => wanted.has(event.metadata.eventId));
  const last = found.at(-1);
  if (!last) return null;
  if (found.length !== wanted.size) throw new DuplicateEventIdError(streamId, ids);
  return { nextExpectedVersion: last.version, position: last.position };
}

function meetsExpectation(expected: ExpectedVersion, version: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return version === 0;
    case 'stream-exists':
      return version > 0;
    default:
      return version === expected;
  }
}

const versionOf = (state: CurrentStreamState): number =>
  state === NO_STREAM ? 0 : Number(state) + 1;

async function appendAfter(
  client: KurrentDBClient,
  streamId: string,
  batch: readonly PendingEvent[],
  last: RecordedEvent | undefined,
): Promise<AppendResult> {
  let previousHash = last?.hash ?? genesisHash;
  const records = batch.map(({ type, data, metadata }) => {
    previousHash = chainHash(previousHash, eventDigest(type, data, metadata));
    return jsonEvent({
      id: metadata.eventId,
      type,
      data,
      metadata: { ...metadata, hash: previousHash },
    });
  });
  const { nextExpectedRevision } = await client.appendToStream(streamId, records, {
    streamState: last ? BigInt(last.version - 1) : NO_STREAM,
  });
  // The append reply carries the commit position of the write, which need not be the position a
  // reader sees for the last event; read that event back so retries and readers agree with it.
  const [written] = await readRecords(client, streamId, {
    fromRevision: nextExpectedRevision,
    maxCount: 1,
  });
  if (!written) throw new Error(`Stream ${streamId}: appended event not found on read-back`);
  return { nextExpectedVersion: written.version, position: written.position };
}

/** Our events of one stream, in the requested order; none for a stream that does not exist. */
async function readRecords(
  client: KurrentDBClient,
  streamId: string,
  options: KurrentReadStreamOptions,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const { event } of client.readStream(streamId, options)) {
      const decoded = decode(event);
      if (!decoded) {
        // A foreign event would break the version count and the hash chain: refuse to guess.
        throw new Error(
          `Stream ${streamId}: event ${event?.id ?? '?'} was not written by this store`,
        );
      }
      events.push(decoded);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}

/**
 * Our event from a KurrentDB record; null for system events and events we did not write. Stream
 * reads carry the log position since server 22.6; without it an event could not be placed.
 */
function decode(record: KurrentRecordedEvent | undefined): RecordedEvent | null {
  if (!record?.isJson || record.type.startsWith('$') || !record.position) return null;
  const stored = storedMetadata(record.metadata);
  if (!stored) return null;
  const { hash, ...metadata } = stored;
  return {
    streamId: record.streamId,
    version: Number(record.revision) + 1,
    position: { commit: record.position.commit, prepare: record.position.prepare },
    type: record.type,
    data: record.data as JsonObject,
    metadata,
    hash,
  };
}

function storedMetadata(value: unknown): StoredMetadata | null {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return null;
  const { hash, eventId } = value as Partial<StoredMetadata>;
  return typeof hash === 'string' && typeof eventId === 'string' ? (value as StoredMetadata) : null;
}

/**
 * Our events in $all strictly after (forwards) or before (backwards) `from`, page by page. A read
 * from a position may return the record at that position, and a page may hold only records of
 * other writers, so the cursor moves on with every record read, not only with the events kept.
 */
async function* scanAll(
  client: KurrentDBClient,
  direction: Direction,
  from: GlobalPosition | null,
  pageSize: number,
): AsyncGenerator<RecordedEvent> {
  const ahead = direction === FORWARDS ? 1 : -1;
  let cursor = from;
  for (;;) {
    const page = await readAllPage(client, direction, cursor, pageSize);
    for (const { event: record } of page) {
      if (!record || (cursor && comparePositions(record.position, cursor) !== ahead)) continue;
      cursor = record.position;
      const event = decode(record);
      if (event) yield event;
    }
    if (page.length < pageSize) return;
  }
}

async function readAllPage(
  client: KurrentDBClient,
  direction: Direction,
  from: GlobalPosition | null,
  maxCount: number,
): Promise<AllStreamResolvedEvent[]> {
  const page: AllStreamResolvedEvent[] = [];
  const fromPosition = from ?? (direction === FORWARDS ? START : END);
  const filter = excludeSystemEvents();
  for await (const resolved of client.readAll({ direction, fromPosition, maxCount, filter })) {
    page.push(resolved);
  }
  return page;
}

/**
 * A live subscription to $all from its end: each new event, ours or another writer's, wakes the
 * listener. It resolves once the server confirms, so no append made afterwards goes unnoticed.
 */
async function subscribeToAppends(
  client: KurrentDBClient,
  listener: () => void,
): Promise<() => Promise<void>> {
  const subscription = client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
  subscription.on('data', () => listener());
  subscription.on('error', () => {
    // Once live, wake-ups are an optimisation: the projection runner also polls.
  });
  await new Promise<void>((resolve, reject) => {
    subscription.once('confirmation', resolve);
    subscription.once('error', reject);
  });
  return async () => {
    await subscription.unsubscribe();
  };
}
