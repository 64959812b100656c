import {
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  type AppendResult as KurrentAppendResult,
  type AppendStreamState,
  type EventData,
  type ReadStreamOptions,
  type RecordedEvent as KurrentRecordedEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import {
  kurrentEventStore,
  type KurrentStoreOptions,
} from '../../src/platform/eventStore/kurrentEventStore.js';

/**
 * KurrentDB's stream calls answered in memory as the server answers them (revisions, a stream
 * not found, reads either way from START, END or a revision, an append at an expected revision
 * with the server's id check after an older one), counting the events it hands out. Only what
 * the store's append and stream read use: the global log and subscriptions are not here.
 */
export class KurrentStreamCalls {
  readonly streams = new Map<string, KurrentRecordedEvent[]>();
  /** Events handed out by readStream so far. */
  eventsRead = 0;
  /** Runs once, just before the next append is decided: another writer getting in first. */
  beforeNextAppend: (() => Promise<unknown>) | null = null;
  private lastPosition = 0n;

  readonly readStream = (
    streamName: string,
    options: ReadStreamOptions = {},
  ): AsyncIterableIterator<ResolvedEvent> => this.records(streamName, options);

  private async *records(
    streamName: string,
    { direction, fromRevision = START, maxCount = Number.MAX_SAFE_INTEGER }: ReadStreamOptions,
  ): AsyncGenerator<ResolvedEvent> {
    await Promise.resolve();
    const events = this.streams.get(streamName);
    if (!events) throw new StreamNotFoundError(undefined, streamName);
    const step = direction === BACKWARDS ? -1 : 1;
    const end = step < 0 ? events.length - 1 : events.length;
    let at = fromRevision === START ? 0 : fromRevision === END ? end : Number(fromRevision);
    for (let n = 0; n < Number(maxCount) && at >= 0 && at < events.length; n++, at += step) {
      this.eventsRead++;
      yield { event: events[at] };
    }
  }

  readonly appendToStream = async (
    streamName: string,
    data: EventData | EventData[],
    { streamState }: { streamState?: AppendStreamState } = {},
  ): Promise<KurrentAppendResult> => {
    const before = this.beforeNextAppend;
    this.beforeNextAppend = null;
    await before?.();
    const batch = Array.isArray(data) ? data : [data];
    const events = this.streams.get(streamName) ?? [];
    const current = events.length - 1;
    if (streamState !== NO_STREAM && typeof streamState !== 'bigint') {
      throw new Error('The store appends at a revision it has read, never at any');
    }
    const expected = streamState === NO_STREAM ? -1 : Number(streamState);
    const slot = events.slice(expected + 1, expected + 1 + batch.length);
    if (expected < current && slot.every((event, i) => event.id === batch[i]?.id)) {
      // The server's own idempotency: the same ids already right after the expected revision.
      if (slot.length === batch.length) return this.result(slot.at(-1)!);
    }
    if (expected !== current) {
      throw new KurrentWrongExpectedVersionError(undefined, {
        streamName,
        expected: streamState,
        current: current < 0 ? NO_STREAM : BigInt(current),
      });
    }
    for (const { id, type, data: body, metadata } of batch) {
      this.lastPosition++;
      const stored = (value: unknown): unknown =>
        value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
      events.push({
        streamId: streamName,
        id,
        isJson: true,
        revision: BigInt(events.length),
        type,
        created: new Date(),
        data: stored(body),
        metadata: stored(metadata),
        position: { commit: this.lastPosition, prepare: this.lastPosition },
      } as KurrentRecordedEvent);
    }
    this.streams.set(streamName, events);
    return this.result(events.at(-1)!);
  };

  private result(last: KurrentRecordedEvent): KurrentAppendResult {
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  store(options: KurrentStoreOptions = {}): EventStore {
    const absent = (): never => {
      throw new Error('Not in this stand-in: the global log needs a server');
    };
    return kurrentEventStore(
      {
        readStream: this.readStream,
        appendToStream: this.appendToStream,
        readAll: absent,
        subscribeToAll: absent,
        dispose: async () => {},
      },
      options,
    );
  }
}
