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
import type { KeyObject } from 'node:crypto';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type AppendOptions,
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
import { eventTag } from './eventTags.js';

/** Rounds of read-then-append a writer may lose to concurrent writers before giving up. */
const maxAppendAttempts = 10;
/** Records per backwards page when looking for the head: only our events count. */
const headPageSize = 100;
/** Records per backwards page when an append looks for its batch back to `retrySince`. */
const tailPageSize = 64;

type StoredMetadata = EventMetadata & { readonly hash: string; readonly tag?: string };
type PendingEvent = Pick<RecordedEvent, 'type' | 'data' | 'metadata'>;
type StreamClient = Pick<KurrentClient, 'appendToStream' | 'readStream'>;

/** The calls the store makes on KurrentDB (a test stands in for the stream calls). */
export type KurrentClient = Pick<
  KurrentDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

export interface KurrentStoreOptions {
  readonly now?: () => Date;
  /** Tags each event appended (eventTags.ts), kept in its metadata beside the link. */
  readonly tagKey?: KeyObject;
}

/**
 * The event store on KurrentDB, with the semantics of the PostgreSQL adapter. KurrentDB keeps the
 * stream order and optimistic concurrency; the hash chain, the full metadata and idempotency by
 * event id are kept here, in each event's metadata JSON.
 */
export function createKurrentEventStore(
  connectionString: string,
  options: KurrentStoreOptions = {},
): EventStore {
  return kurrentEventStore(KurrentDBClient.connectionString(connectionString), options);
}

/** The same store over a client already made (the tests give one standing in for a server). */
export function kurrentEventStore(
  client: KurrentClient,
  options: KurrentStoreOptions = {},
): EventStore {
  const now = options.now ?? (() => new Date());

  return {
    async appendToStream(streamId, events, append = {}) {
      if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
      assertValidExpectedVersion(append.expectedVersion ?? 'any');
      const batch = normalise(events, now());
      return appendWithRetry(client, streamId, batch, append, options.tagKey);
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
 * Reads the stream's head, then appends expecting exactly the revision it read, so no other
 * writer can slip in between and fork the hash chain. A lost race means the chain moved on: read
 * again. The caller's expected version is checked against each read, so it is honoured as in
 * PostgreSQL.
 *
 * A retried batch (the same event ids) is answered with the first outcome without reading the
 * stream whole (the protocol register grows by one event a submission, the heads stream by one a
 * minute). A batch is one KurrentDB write, so its events are consecutive; it is looked for:
 * - at the head: the latest event, and the batch's length less one before it when that event is
 *   the batch's, so a retry nothing followed yet is found;
 * - with `retrySince`, among the events after that position (read back page by page): a retry
 *   with any expectation (the protocol register's, at the register's current length) is found
 *   however many events followed it;
 * - for an exact version (or no-stream), at the versions right after it, where this call's batch
 *   went if it went in: a retry at the same expected version is found however old. KurrentDB
 *   itself promises no more: it compares event ids at the revisions after an older expected
 *   one, and for `any` only against an in-memory cache of recent ids (8 MiB, lost on restart).
 * Past those bounds the PostgreSQL adapter, which indexes every event id, still answers a retry
 * with its first outcome; here the batch is appended again, with the same ids (or refused as a
 * wrong expected version when the stream moved past the version given). Commands meet neither:
 * handleCommand finds its own events in the stream it reads before it decides.
 */
async function appendWithRetry(
  client: StreamClient,
  streamId: string,
  batch: readonly PendingEvent[],
  { expectedVersion: expected = 'any', retrySince }: AppendOptions,
  tagKey: KeyObject | undefined,
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt++) {
    // Newest first: the head (its version and hash), then back to `retrySince` when given.
    const tail = await readTail(client, streamId, retrySince);
    // A batch cut by the edge of what was read is read whole, not refused as half a repeat.
    const oldest = tail.at(-1);
    if (oldest && oldest.version > 1 && batch.length > 1 && batch.some(sameId(oldest))) {
      tail.push(
        ...(await readRecords(client, streamId, {
          direction: BACKWARDS,
          fromRevision: BigInt(oldest.version - 2),
          maxCount: batch.length - 1,
        })),
      );
    }
    const head = tail[0];
    const version = head?.version ?? 0;
    const slot = retrySlot(expected, batch.length, version, tail.at(-1)?.version ?? 1);
    const seen = slot
      ? tail.concat(
          await readRecords(client, streamId, {
            fromRevision: BigInt(slot.fromVersion - 1),
            maxCount: slot.toVersion - slot.fromVersion + 1,
          }),
        )
      : tail;
    const earlier = earlierAppend(streamId, seen, batch);
    if (earlier) return earlier;
    if (!meetsExpectation(expected, version)) {
      throw new WrongExpectedVersionError(streamId, expected, version);
    }
    try {
      return await appendAfter(client, streamId, batch, head, tagKey);
    } catch (error) {
      if (!(error instanceof KurrentWrongExpectedVersionError)) throw error;
      if (attempt >= maxAppendAttempts) {
        throw new WrongExpectedVersionError(streamId, expected, versionOf(error.actualState));
      }
    }
  }
}

/**
 * The stream's latest event; with `since`, and when that event is after it, the events before it
 * too, a page at a time, until a page reaches back to `since` (or to the stream's start): newest
 * first, the last page whole.
 */
async function readTail(
  client: StreamClient,
  streamId: string,
  since: GlobalPosition | undefined,
): Promise<RecordedEvent[]> {
  const tail: RecordedEvent[] = [];
  for (let from: bigint | typeof END = END; ;) {
    const page = await readRecords(client, streamId, {
      direction: BACKWARDS,
      fromRevision: from,
      maxCount: tail.length === 0 ? 1 : tailPageSize,
    });
    tail.push(...page);
    const oldest = page.at(-1);
    if (
      !since ||
      !oldest ||
      oldest.version === 1 ||
      comparePositions(oldest.position, since) <= 0
    ) {
      return tail;
    }
    from = BigInt(oldest.version - 2);
  }
}

const sameId =
  (event: RecordedEvent) =>
  (pending: { readonly metadata: Pick<EventMetadata, 'eventId'> }): boolean =>
    pending.metadata.eventId === event.metadata.eventId;

/**
 * The versions a batch of `size` events took if it was appended at exactly `expected` and the
 * stream read back from its `version` down to `oldestRead` does not hold them yet; null when
 * there is no such place (another expectation, or the stream not past it).
 */
export function retrySlot(
  expected: ExpectedVersion,
  size: number,
  version: number,
  oldestRead: number,
): { fromVersion: number; toVersion: number } | null {
  const after = expected === 'no-stream' ? 0 : typeof expected === 'number' ? expected : null;
  if (after === null || after >= version) return null;
  const toVersion = Math.min(after + size, version, oldestRead - 1);
  return toVersion > after ? { fromVersion: after + 1, toVersion } : null;
}

/**
 * A retry of an append that already happened gets the first result again: every event id of the
 * batch among the events seen, the answer being the latest of them. Some ids only: refused, as
 * the PostgreSQL adapter refuses them. KurrentDB does not index event ids across streams, so an
 * id used in another stream goes undetected here (the PostgreSQL adapter refuses those too).
 */
export function earlierAppend(
  streamId: string,
  seen: readonly RecordedEvent[],
  batch: readonly { readonly metadata: Pick<EventMetadata, 'eventId'> }[],
): AppendResult | null {
  const ids = batch.map((event) => event.metadata.eventId);
  const wanted = new Set(ids);
  const found = seen.filter((event) => wanted.has(event.metadata.eventId));
  if (found.length === 0) return null;
  if (new Set(found.map((event) => event.metadata.eventId)).size !== wanted.size) {
    throw new DuplicateEventIdError(streamId, ids);
  }
  const last = found.reduce((latest, event) => (event.version > latest.version ? event : latest));
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
  client: StreamClient,
  streamId: string,
  batch: readonly PendingEvent[],
  last: RecordedEvent | undefined,
  tagKey: KeyObject | undefined,
): Promise<AppendResult> {
  let previousHash = last?.hash ?? genesisHash;
  const records = batch.map(({ type, data, metadata }) => {
    const digest = eventDigest(type, data, metadata);
    previousHash = chainHash(previousHash, digest);
    const tag = tagKey && eventTag(tagKey, streamId, digest);
    return jsonEvent({
      id: metadata.eventId,
      type,
      data,
      metadata: { ...metadata, hash: previousHash, ...(tag && { tag }) },
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
  client: Pick<KurrentClient, 'readStream'>,
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
  const { hash, tag = null, ...metadata } = stored;
  return {
    streamId: record.streamId,
    version: Number(record.revision) + 1,
    position: { commit: record.position.commit, prepare: record.position.prepare },
    type: record.type,
    data: record.data as JsonObject,
    metadata,
    hash,
    tag,
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
  client: Pick<KurrentClient, 'readAll'>,
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
  client: Pick<KurrentClient, 'readAll'>,
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
  client: Pick<KurrentClient, 'subscribeToAll'>,
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
