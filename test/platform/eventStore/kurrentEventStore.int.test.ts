import { jsonEvent } from '@kurrent/kurrentdb-client';
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
  retrySlot,
} from '../../../src/platform/eventStore/kurrentEventStore.js';
import { verifyStream } from '../../../src/platform/eventStore/verifyLog.js';
import { newEvent, uniqueStream } from '../../support/events.js';
import { eventStoreContract } from './eventStoreContract.js';
import { KurrentStreamCalls } from '../../support/kurrentStreamCalls.js';

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

    describe('KurrentDB: an append reads the stream’s head only', () => {
      const opened: EventStore[] = [];
      const open = () => {
        const store = createKurrentEventStore(url ?? '');
        opened.push(store);
        return store;
      };
      afterAll(async () => {
        await Promise.all(opened.map((store) => store.close()));
      });
      retryCases(() => open());

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

describe('KurrentDB adapter: appends over stand-in stream calls (no server needed)', () => {
  const calls = () => new KurrentStreamCalls();

  it('reads the head of a long stream to append, not the whole of it', async () => {
    const server = calls();
    const store = server.store();
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
    // The head, then the appended event read back for its position.
    expect(server.eventsRead).toBe(1 + 1);
    expect(await verifyStream(store, stream)).toMatchObject({ events: 501, breaks: [] });
  });

  it('reads back to the position given, not further, to find a retry', async () => {
    const server = calls();
    const store = server.store();
    const stream = uniqueStream();
    const many = (n: number) => Array.from({ length: n }, (_, j) => newEvent('Many', { j }));
    await store.appendToStream(stream, many(300));
    const { position: cause } = await store.appendToStream(uniqueStream(), [newEvent('Cause')]);
    await store.appendToStream(stream, many(100));
    server.eventsRead = 0;
    await store.appendToStream(stream, [newEvent('Next')], { retrySince: cause });
    // The head, then two pages of 64, the second reaching before the cause; then the read-back.
    expect(server.eventsRead).toBe(1 + 128 + 1);
  });

  retryCases(() => calls().store());

  it('keeps the portal’s tag beside the link, and gives the metadata back without either', async () => {
    const server = calls();
    const store = server.store({ tagKey: testTagKey });
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

/** The bounds of retry detection without reading the stream whole. */
function retryCases(open: () => EventStore): void {
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
    // Not where that version would have put it, and no position to look back to: not found.
    expect(retried).toMatchObject({ expected: 9, actual: 17 });
    expect((await store.readStream(stream)).version).toBe(17);
  });

  it('finds a retry with any version at the head, read whole', async () => {
    const store = open();
    const stream = uniqueStream();
    await store.appendToStream(stream, [newEvent('Before')]);
    const batch = [newEvent('A'), newEvent('B'), newEvent('C')];
    const first = await store.appendToStream(stream, batch);
    // C is the head: A and B are read back to it, so the batch is seen whole.
    const again = await store.appendToStream(stream, batch);
    expect(again.nextExpectedVersion).toBe(4);
    expect(comparePositions(again.position, first.position)).toBe(0);
    expect((await store.readStream(stream)).version).toBe(4);
  });

  it('finds a retry with any version after the position given, however far back', async () => {
    const store = open();
    const stream = uniqueStream();
    await store.appendToStream(stream, [newEvent('Before')]);
    const { position: cause } = await store.appendToStream(uniqueStream(), [newEvent('Cause')]);
    const batch = [newEvent('A'), newEvent('B')];
    const first = await store.appendToStream(stream, batch);
    for (let i = 0; i < 70; i++) await store.appendToStream(stream, [newEvent('Later', { i })]);
    const again = await store.appendToStream(stream, batch, { retrySince: cause });
    expect(again.nextExpectedVersion).toBe(3);
    expect(comparePositions(again.position, first.position)).toBe(0);
    expect((await store.readStream(stream)).version).toBe(73);
  });

  it('appends a retry with any version again once it is not the head and no position is given', async () => {
    const store = open();
    const stream = uniqueStream();
    const batch = [newEvent('A')];
    await store.appendToStream(stream, batch);
    await store.appendToStream(stream, [newEvent('B')]);
    // The bound: the PostgreSQL adapter would answer version 1 here.
    const again = await store.appendToStream(stream, batch);
    expect(again.nextExpectedVersion).toBe(3);
    expect(await verifyStream(store, stream)).toMatchObject({ events: 3, breaks: [] });
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
