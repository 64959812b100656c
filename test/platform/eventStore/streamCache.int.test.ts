import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore, ReadStreamOptions } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { cachingEventStore } from '../../../src/platform/eventStore/streamCache.js';
import { newEvent, uniqueStream } from '../../support/events.js';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';
import { eventStoreContract } from './eventStoreContract.js';

eventStoreContract('PGlite, streams remembered', async () => {
  const { database, drop } = await openTestDatabase('pglite');
  return { store: cachingEventStore(createPostgresEventStore(database)), close: drop };
});

/** The store's reads as the cache asks them, beside the real store that answers them. */
function watched(store: EventStore) {
  const reads: { streamId: string; range: ReadStreamOptions | undefined }[] = [];
  const inner: EventStore = {
    ...store,
    readStream(streamId, range) {
      reads.push({ streamId, range });
      return store.readStream(streamId, range);
    },
  };
  return { inner, reads, fromVersions: () => reads.map(({ range }) => range?.fromVersion) };
}

describe('a stream read again', () => {
  const opened: TestDatabase[] = [];
  const database = async () => {
    const test = await openTestDatabase('pglite');
    opened.push(test);
    return createPostgresEventStore(test.database);
  };
  afterEach(async () => {
    for (const test of opened.splice(0)) await test.drop();
  });

  it('is asked of the store from the last event remembered on', async () => {
    const store = await database();
    const { inner, fromVersions } = watched(store);
    const cached = cachingEventStore(inner);
    const stream = uniqueStream();
    await cached.appendToStream(stream, [newEvent('A'), newEvent('B')]);

    expect((await cached.readStream(stream)).events.map((e) => e.type)).toEqual(['A', 'B']);
    expect((await cached.readStream(stream)).version).toBe(2);
    // Another process appends: the store, not this cache, takes it.
    await store.appendToStream(stream, [newEvent('C')], { expectedVersion: 2 });
    const read = await cached.readStream(stream);

    expect(read.version).toBe(3);
    expect(read.events.map((e) => [e.version, e.type])).toEqual([
      [1, 'A'],
      [2, 'B'],
      [3, 'C'],
    ]);
    expect(fromVersions()).toEqual([undefined, 2, 2]);
  });

  it('hands out events no reader can change for the next', async () => {
    const cached = cachingEventStore(await database());
    const stream = uniqueStream();
    await cached.appendToStream(stream, [newEvent('A', { amount: 1, rows: [{ n: 1 }] })]);
    const [event] = (await cached.readStream(stream)).events;

    expect(() => {
      (event!.data as { amount: number }).amount = 2;
    }).toThrow(TypeError);
    expect(() => {
      (event!.data.rows as { n: number }[]).push({ n: 2 });
    }).toThrow(TypeError);
    // The list is the reader's own.
    (await cached.readStream(stream)).events.pop();
    expect((await cached.readStream(stream)).events).toHaveLength(1);
    expect((await cached.readStream(stream)).events[0]!.data).toEqual({
      amount: 1,
      rows: [{ n: 1 }],
    });
  });

  it('forgets the stream read longest ago, and never keeps one too long', async () => {
    const { inner, reads } = watched(await database());
    const cached = cachingEventStore(inner, { maxEvents: 5, maxStreamEvents: 3 });
    const [first, second, third, long] = [
      uniqueStream(),
      uniqueStream(),
      uniqueStream(),
      uniqueStream(),
    ];
    await cached.appendToStream(first, [newEvent('A'), newEvent('B')]);
    await cached.appendToStream(second, [newEvent('A'), newEvent('B'), newEvent('C')]);
    await cached.appendToStream(third, [newEvent('A'), newEvent('B')]);
    await cached.appendToStream(
      long,
      [1, 2, 3, 4].map(() => newEvent('L')),
    );

    // 2 + 3 held; first read again is the latest; third's 2 are over 5, so second goes.
    for (const stream of [first, second, first, third, long, long, first, second])
      await cached.readStream(stream);

    const fromOf = (stream: string) =>
      reads.filter((read) => read.streamId === stream).map(({ range }) => range?.fromVersion);
    expect(fromOf(first)).toEqual([undefined, 2, 2]);
    expect(fromOf(second)).toEqual([undefined, undefined]);
    // 4 events, over 3: read whole each time.
    expect(fromOf(long)).toEqual([undefined, undefined]);
  });

  it('reads a stream whole again when it is not the one remembered', async () => {
    const [before, shorter, sameLength] = [await database(), await database(), await database()];
    let current = before;
    const inner: EventStore = {
      ...before,
      appendToStream: (...args) => current.appendToStream(...args),
      readStream: (...args) => current.readStream(...args),
    };
    const cached = cachingEventStore(inner);
    const stream = uniqueStream();
    await cached.appendToStream(stream, [newEvent('A'), newEvent('B')]);
    await cached.readStream(stream);
    // Databases restored from older backups: there the stream went elsewhere.
    current = shorter;
    await cached.appendToStream(stream, [newEvent('X')]);

    expect((await cached.readStream(stream)).events.map((e) => e.type)).toEqual(['X']);
    await cached.appendToStream(stream, [newEvent('Y'), newEvent('Z')]);
    expect((await cached.readStream(stream)).events.map((e) => e.type)).toEqual(['X', 'Y', 'Z']);
    // As long as the one remembered: the last event's hash tells them apart.
    current = sameLength;
    await cached.appendToStream(stream, [newEvent('P'), newEvent('Q'), newEvent('R')]);
    expect((await cached.readStream(stream)).events.map((e) => e.type)).toEqual(['P', 'Q', 'R']);
  });

  it('does not put back a stream forgotten while it was being read', async () => {
    const store = await database();
    let hold: Promise<void> | null = null;
    const { inner, reads } = watched({
      ...store,
      readStream: async (...args) => {
        const wait = hold;
        const read = await store.readStream(...args);
        await wait;
        return read;
      },
    });
    const cached = cachingEventStore(inner, { maxEvents: 3 });
    const [held, other] = [uniqueStream(), uniqueStream()];
    await cached.appendToStream(held, [newEvent('A'), newEvent('B')]);
    await cached.appendToStream(other, [newEvent('C'), newEvent('D')]);
    await cached.readStream(held);

    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const slow = cached.readStream(held);
    hold = null;
    // Meanwhile another stream takes the room: `held` is forgotten.
    await cached.readStream(other);
    release();
    expect((await slow).events.map((e) => e.type)).toEqual(['A', 'B']);
    await cached.readStream(held);

    const fromOf = (stream: string) =>
      reads.filter((read) => read.streamId === stream).map(({ range }) => range?.fromVersion);
    // Read whole again: the slow read did not bring it back behind the count's back.
    expect(fromOf(held)).toEqual([undefined, 2, undefined]);
  });

  it('passes a slice, a head alone or a read as stored now to the store', async () => {
    const { inner, reads } = watched(await database());
    const cached = cachingEventStore(inner);
    const stream = uniqueStream();
    await cached.appendToStream(stream, [newEvent('A'), newEvent('B'), newEvent('C')]);

    expect((await cached.readStream(stream, { toVersion: 0 })).version).toBe(3);
    const slice = await cached.readStream(stream, { fromVersion: 2, toVersion: 2 });

    await cached.readStream(stream);
    const asStored = await cached.readStream(stream, { remembered: false });

    expect(slice.events.map((e) => e.type)).toEqual(['B']);
    expect(asStored.events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    expect(reads.map(({ range }) => range)).toEqual([
      { toVersion: 0 },
      { fromVersion: 2, toVersion: 2 },
      undefined,
      { remembered: false },
    ]);
  });
});
