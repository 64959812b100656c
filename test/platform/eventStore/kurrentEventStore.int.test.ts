import {
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  jsonEvent,
  type AppendResult as KurrentAppendResult,
  type AppendStreamState,
  type EventData,
  type ReadStreamOptions,
  type RecordedEvent as KurrentRecordedEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { hasValidTag } from '../../../src/platform/eventStore/eventTags.js';
import { testTagKey } from '../../support/testApp.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type EventStore,
  type RecordedEvent,
} from '../../../src/platform/eventStore/eventStore.js';
import { comparePositions } from '../../../src/platform/eventStore/globalPosition.js';
import {
  createKurrentEventStore,
  earlierAppend,
  kurrentEventStore,
  retrySlot,
  type KurrentStoreOptions,
} from '../../../src/platform/eventStore/kurrentEventStore.js';
import { verifyStream } from '../../../src/platform/eventStore/verifyLog.js';
import { newEvent, uniqueStream } from '../../support/events.js';
import { eventStoreContract } from './eventStoreContract.js';

// A KurrentDB server comes from testcontainers where Docker runs, or from KURRENTDB_URL,
// e.g. KURRENTDB_URL=kurrentdb://localhost:2113?tls=false
const url = inject('kurrentUrl');

if (!url) {
  console.warn(
    '[tests] KurrentDB event store contract skipped: no Docker for testcontainers and no KURRENTDB_URL.',
  );
}

describe.skipIf(!url)(
  url
    ? 'KurrentDB event store'
    : 'KurrentDB event store (skipped: no Docker for testcontainers and no KURRENTDB_URL)',
  () => {
    eventStoreContract(
      'KurrentDB',
      async () => {
        const store = createKurrentEventStore(url ?? '');
        // Fails in beforeAll, with the client's reason, when the server cannot be reached.
        await store.headPosition();
        return { store, close: () => store.close() };
      },
      { eventIdsUniqueAcrossStreams: false },
    );

    describe('KurrentDB: an append reads the stream’s end only (a retry window of 4)', () => {
      const opened: EventStore[] = [];
      const open = (options: KurrentStoreOptions = { retryWindow: 4 }) => {
        const store = createKurrentEventStore(url ?? '', options);
        opened.push(store);
        return store;
      };
      afterAll(async () => {
        await Promise.all(opened.map((store) => store.close()));
      });
      retryWindowCases(() => open());

      it('chains appends racing on one stream, each to the event before it', async () => {
        const stores = [open(), open()];
        const stream = uniqueStream();
        await Promise.all(
          // Eight: the last of them may lose seven rounds, within the adapter's ten.
          Array.from({ length: 8 }, (_, i) =>
            stores[i % 2]!.appendToStream(stream, [newEvent('Raced', { i })]),
          ),
        );
        expect(await verifyStream(stores[0]!, stream)).toMatchObject({ events: 8, breaks: [] });
      });

      it('gives both callers appending one batch at once its one outcome', async () => {
        const stores = [open(), open()];
        const stream = uniqueStream();
        await stores[0]!.appendToStream(stream, [newEvent('Before')]);
        const batch = [newEvent('A'), newEvent('B')];
        const [one, two] = await Promise.all(
          stores.map((store) => store.appendToStream(stream, batch)),
        );
        expect(one?.nextExpectedVersion).toBe(3);
        expect(two?.nextExpectedVersion).toBe(3);
        expect(comparePositions(one!.position, two!.position)).toBe(0);
        expect((await stores[0]!.readStream(stream)).version).toBe(3);
      });
    });
  },
);

/**
 * KurrentDB's stream calls answered in memory as the server answers them (revisions, a stream
 * not found, reads either way from START, END or a revision, an append at an expected revision
 * with the server's id check after an older one), counting the events it hands out. Only what
 * the store's append and stream read use: the global log and subscriptions are not here.
 */
class StreamCalls {
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

  store(options: KurrentStoreOptions = { retryWindow: 4 }): EventStore {
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

describe('KurrentDB adapter: appends over stand-in stream calls (no server needed)', () => {
  const calls = () => new StreamCalls();

  it('reads the end of a long stream to append, not the whole of it', async () => {
    const server = calls();
    const store = server.store({ retryWindow: 16 });
    const stream = uniqueStream();
    for (let i = 0; i < 5; i++) {
      await store.appendToStream(
        stream,
        Array.from({ length: 100 }, (_, j) => newEvent('Many', { i, j })),
      );
    }
    server.eventsRead = 0;
    const result = await store.appendToStream(stream, [newEvent('Next')], { expectedVersion: 500 });
    expect(result.nextExpectedVersion).toBe(501);
    // The window, then the appended event read back for its position.
    expect(server.eventsRead).toBe(16 + 1);
    expect(await verifyStream(store, stream)).toMatchObject({ events: 501, breaks: [] });
  });

  retryWindowCases(() => calls().store());

  it('keeps the portal’s tag beside the link, and gives the metadata back without either', async () => {
    const server = calls();
    const store = server.store({ retryWindow: 4, tagKey: testTagKey });
    const stream = uniqueStream();
    await store.appendToStream(stream, [newEvent('Tagged', { n: 1 }), newEvent('Tagged')]);
    const { events } = await store.readStream(stream);
    expect(events.map((event) => hasValidTag(testTagKey, event))).toEqual([true, true]);
    expect(events[0]!.metadata).not.toHaveProperty('tag');
    expect(events[0]!.metadata).not.toHaveProperty('hash');
    // Without the key, as before tags: none.
    const untagged = server.store();
    await untagged.appendToStream(stream, [newEvent('Untagged')]);
    expect((await untagged.readStream(stream, { fromVersion: 3 })).events[0]!.tag).toBeNull();
  });

  it('after losing a race, reads the end again and chains to the winner’s event', async () => {
    const server = calls();
    const [store, other] = [server.store(), server.store()];
    const stream = uniqueStream();
    await store.appendToStream(stream, [newEvent('First')]);
    server.beforeNextAppend = () => other.appendToStream(stream, [newEvent('Winner')]);
    const result = await store.appendToStream(stream, [newEvent('Loser')]);
    expect(result.nextExpectedVersion).toBe(3);
    const { events } = await store.readStream(stream);
    expect(events.map((event) => event.type)).toEqual(['First', 'Winner', 'Loser']);
    expect(await verifyStream(store, stream)).toMatchObject({ breaks: [] });

    server.beforeNextAppend = () => other.appendToStream(stream, [newEvent('Winner')]);
    await expect(
      store.appendToStream(stream, [newEvent('Late')], { expectedVersion: 3 }),
    ).rejects.toMatchObject({ expected: 3, actual: 4 });
  });

  it('gives a caller that raced the same batch in the batch’s one outcome', async () => {
    const server = calls();
    const [store, other] = [server.store(), server.store()];
    const stream = uniqueStream();
    const batch = [newEvent('A'), newEvent('B')];
    server.beforeNextAppend = () => other.appendToStream(stream, batch);
    const result = await store.appendToStream(stream, batch, { expectedVersion: 'no-stream' });
    expect(result.nextExpectedVersion).toBe(2);
    expect((await store.readStream(stream)).version).toBe(2);
  });

  it('honours the expected version against the end it reads', async () => {
    const store = calls().store();
    const stream = uniqueStream();
    await expect(
      store.appendToStream(stream, [newEvent('A')], { expectedVersion: 'stream-exists' }),
    ).rejects.toMatchObject({ expected: 'stream-exists', actual: 0 });
    await store.appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedVersion: 0 });
    const stale = await store
      .appendToStream(stream, [newEvent('C')], { expectedVersion: 1 })
      .catch((caught: unknown) => caught);
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ expected: 1, actual: 2 });
  });

  it('refuses to append after an event it did not write', async () => {
    const server = calls();
    const store = server.store();
    const stream = uniqueStream();
    await store.appendToStream(stream, [newEvent('Ours')]);
    await server.appendToStream(stream, jsonEvent({ type: 'Theirs', data: {} }), {
      streamState: 0n,
    });
    await expect(store.appendToStream(stream, [newEvent('Next')])).rejects.toThrow(
      /was not written by this store/,
    );
  });
});

/** The bounds of retry detection, with a retry window of 4 (the store `open` gives). */
function retryWindowCases(open: () => EventStore): void {
  it('finds a retry at the same expected version however many events followed it', async () => {
    const store = open();
    const stream = uniqueStream();
    const batch = [newEvent('A'), newEvent('B')];
    const first = await store.appendToStream(stream, batch, { expectedVersion: 'no-stream' });
    for (let i = 0; i < 3; i++) {
      await store.appendToStream(
        stream,
        Array.from({ length: 5 }, (_, j) => newEvent('Later', { i, j })),
      );
    }
    const again = await store.appendToStream(stream, batch, { expectedVersion: 'no-stream' });
    expect(again.nextExpectedVersion).toBe(2);
    expect(comparePositions(again.position, first.position)).toBe(0);
    const retried = await store
      .appendToStream(stream, batch, { expectedVersion: 9 })
      .catch((caught: unknown) => caught);
    // Not where that version would have put it, and past the window: not found.
    expect(retried).toMatchObject({ expected: 9, actual: 17 });
    expect((await store.readStream(stream)).version).toBe(17);
  });

  it('finds a retry with any version while its last event is among the 4 latest', async () => {
    const store = open();
    const stream = uniqueStream();
    const batch = [newEvent('A'), newEvent('B'), newEvent('C')];
    const first = await store.appendToStream(stream, batch);
    for (const type of ['D', 'E', 'F']) await store.appendToStream(stream, [newEvent(type)]);
    // C is the 4th latest, A the 6th: read as one batch with C all the same.
    const again = await store.appendToStream(stream, batch);
    expect(again.nextExpectedVersion).toBe(3);
    expect(comparePositions(again.position, first.position)).toBe(0);
    expect((await store.readStream(stream)).version).toBe(6);
  });

  it('reads a retried batch whole when the edge of the window cuts through it', async () => {
    const store = open();
    const stream = uniqueStream();
    const batch = [newEvent('A'), newEvent('B'), newEvent('C')];
    const first = await store.appendToStream(stream, batch);
    for (const type of ['D', 'E', 'F', 'G']) await store.appendToStream(stream, [newEvent(type)]);
    // Six read (G back to B): A is one before them; half a batch is not a repeat of some ids.
    const again = await store.appendToStream(stream, batch);
    expect(again.nextExpectedVersion).toBe(3);
    expect(comparePositions(again.position, first.position)).toBe(0);
    expect((await store.readStream(stream)).version).toBe(7);
  });

  it('appends a retry with any version again once more than 4 events followed it', async () => {
    const store = open();
    const stream = uniqueStream();
    const batch = [newEvent('A')];
    await store.appendToStream(stream, batch);
    for (const type of ['B', 'C', 'D', 'E']) await store.appendToStream(stream, [newEvent(type)]);
    // The bound of the window: the PostgreSQL adapter would answer version 1 here.
    const again = await store.appendToStream(stream, batch);
    expect(again.nextExpectedVersion).toBe(6);
    expect(await verifyStream(store, stream)).toMatchObject({ events: 6, breaks: [] });
  });

  it('refuses a batch repeating some of the event ids it finds', async () => {
    const store = open();
    const stream = uniqueStream();
    const [a, b] = [newEvent('A'), newEvent('B')];
    await store.appendToStream(stream, [a, b]);
    await expect(
      store.appendToStream(stream, [newEvent('B2', {}, b.metadata.eventId), newEvent('C')]),
    ).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect((await store.readStream(stream)).version).toBe(2);
  });
}

describe('retrySlot: where a batch appended at an exact version went', () => {
  it.each([
    ['any version', 'any', 2, 10, 1, null],
    ['stream-exists', 'stream-exists', 2, 10, 1, null],
    ['a stream not past the version', 3, 2, 3, 1, null],
    ['a stream behind the version', 5, 2, 3, 1, null],
    ['a slot already read', 3, 2, 10, 4, null],
    ['a slot not read', 3, 2, 10, 9, { fromVersion: 4, toVersion: 5 }],
    ['a slot read in part', 3, 2, 10, 5, { fromVersion: 4, toVersion: 4 }],
    ['a slot past the end', 3, 5, 6, 7, { fromVersion: 4, toVersion: 6 }],
    ['no-stream', 'no-stream', 3, 9, 8, { fromVersion: 1, toVersion: 3 }],
  ] as const)('%s', (_, expected, size, version, oldestRead, slot) => {
    expect(retrySlot(expected, size, version, oldestRead)).toEqual(slot);
  });
});

describe('earlierAppend: a batch found among the events read', () => {
  const recorded = (eventId: string, version: number): RecordedEvent => ({
    streamId: 's',
    version,
    position: { commit: BigInt(version), prepare: BigInt(version) },
    type: 'T',
    data: {},
    metadata: { ...newEvent('T', {}, eventId).metadata, recordedAt: '2026-11-23T10:00:00.000Z' },
    hash: '0'.repeat(64),
  });
  const batch = (...ids: string[]) => ids.map((id) => newEvent('T', {}, id));
  const seen = [recorded('c', 7), recorded('b', 6), recorded('a', 5), recorded('x', 4)];

  it('is no retry when none of its ids is there', () => {
    expect(earlierAppend('s', seen, batch('y', 'z'))).toBeNull();
  });

  it('answers a retry with the latest of its events', () => {
    expect(earlierAppend('s', seen, batch('a', 'b'))).toEqual({
      nextExpectedVersion: 6,
      position: { commit: 6n, prepare: 6n },
    });
  });

  it('answers with the latest copy of a batch appended twice', () => {
    expect(earlierAppend('s', [recorded('a', 9), ...seen], batch('a'))).toMatchObject({
      nextExpectedVersion: 9,
    });
  });

  it('refuses a batch of which only some ids are there', () => {
    expect(() => earlierAppend('s', seen, batch('c', 'new'))).toThrow(DuplicateEventIdError);
  });
});
