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

  it('is asked of the store from the version after the one remembered', async () => {
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
    expect(fromVersions()).toEqual([1, 3, 3]);
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
    expect(fromOf(first)).toEqual([1, 3, 3]);
    expect(fromOf(second)).toEqual([1, 1]);
    // 4 events, over 3: read whole each time.
    expect(fromOf(long)).toEqual([1, 1]);
  });

  it('reads a stream whole again when the store is behind what was remembered', async () => {
    const [before, restored] = [await database(), await database()];
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
    // A database restored from an older backup, where the stream is shorter and went elsewhere.
    current = restored;
    await cached.appendToStream(stream, [newEvent('X')]);

    expect((await cached.readStream(stream)).events.map((e) => e.type)).toEqual(['X']);
    await cached.appendToStream(stream, [newEvent('Y'), newEvent('Z')]);
    expect((await cached.readStream(stream)).events.map((e) => e.type)).toEqual(['X', 'Y', 'Z']);
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
      { fromVersion: 1 },
      { remembered: false },
    ]);
  });
});
