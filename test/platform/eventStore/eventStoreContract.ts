import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../../../src/platform/eventStore/eventStore.js';
import { comparePositions } from '../../../src/platform/eventStore/globalPosition.js';
import { verifyLog, verifyStream } from '../../../src/platform/eventStore/verifyLog.js';
import { newEvent, uniqueStream } from '../../support/events.js';

export interface ContractSetup {
  readonly store: EventStore;
  readonly close: () => Promise<void>;
}

export interface ContractOptions {
  /** False where the store only knows the event ids of one stream (KurrentDB). */
  readonly eventIdsUniqueAcrossStreams: boolean;
}

/** The semantics every EventStore adapter must keep (DESIGN.md, "Event store semantics"). */
export function eventStoreContract(
  name: string,
  setup: () => Promise<ContractSetup>,
  options: ContractOptions = { eventIdsUniqueAcrossStreams: true },
): void {
  describe(`${name}: event store contract`, () => {
    let store: EventStore;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ store, close } = await setup());
    });
    afterAll(async () => close?.());

    it('reads an empty stream at version 0', async () => {
      expect(await store.readStream(uniqueStream())).toEqual({ version: 0, events: [] });
    });

    it('appends to a new stream and reads back type, data and complete metadata', async () => {
      const stream = uniqueStream();
      const event = newEvent('ContractRegistered', {
        contract: '3001234567',
        plant: { cap: '40100' },
      });
      const result = await store.appendToStream(stream, [event], { expectedVersion: 'no-stream' });
      expect(result.nextExpectedVersion).toBe(1);

      const { version, events } = await store.readStream(stream);
      expect(version).toBe(1);
      expect(events).toHaveLength(1);
      const [read] = events;
      expect(read).toMatchObject({
        streamId: stream,
        version: 1,
        type: 'ContractRegistered',
        data: event.data,
      });
      expect(read?.metadata).toMatchObject(event.metadata);
      expect(Date.parse(read?.metadata.recordedAt ?? '')).not.toBeNaN();
      expect(read?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(comparePositions(read!.position, result.position)).toBe(0);
    });

    it('counts versions from 1 and honours an exact expected version', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedVersion: 0 });
      const result = await store.appendToStream(stream, [newEvent('C')], { expectedVersion: 2 });
      expect(result.nextExpectedVersion).toBe(3);
      const { events } = await store.readStream(stream);
      expect(events.map((event) => [event.version, event.type])).toEqual([
        [1, 'A'],
        [2, 'B'],
        [3, 'C'],
      ]);
    });

    it('refuses a stale expected version with both versions in the error', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [newEvent('A'), newEvent('B')]);
      const error = await store
        .appendToStream(stream, [newEvent('C')], { expectedVersion: 1 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId: stream, expected: 1, actual: 2 });
      expect((await store.readStream(stream)).version).toBe(2);
    });

    it('refuses no-stream on an existing stream and stream-exists on a missing one', async () => {
      const stream = uniqueStream();
      await expect(
        store.appendToStream(stream, [newEvent('A')], { expectedVersion: 'stream-exists' }),
      ).rejects.toMatchObject({ expected: 'stream-exists', actual: 0 });
      await store.appendToStream(stream, [newEvent('A')], { expectedVersion: 'no-stream' });
      await expect(
        store.appendToStream(stream, [newEvent('B')], { expectedVersion: 'no-stream' }),
      ).rejects.toMatchObject({ expected: 'no-stream', actual: 1 });
      await store.appendToStream(stream, [newEvent('B')], { expectedVersion: 'stream-exists' });
      await store.appendToStream(stream, [newEvent('C')], { expectedVersion: 'any' });
      expect((await store.readStream(stream)).version).toBe(3);
    });

    it('treats appending the same event ids again as done (a retry after a timeout)', async () => {
      const stream = uniqueStream();
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.appendToStream(stream, events, { expectedVersion: 'no-stream' });
      const again = await store.appendToStream(stream, events, { expectedVersion: 'no-stream' });
      expect(again.nextExpectedVersion).toBe(first.nextExpectedVersion);
      expect(comparePositions(again.position, first.position)).toBe(0);
      expect((await store.readStream(stream)).version).toBe(2);
    });

    it('treats a retry at the same expected version as done however many events followed it', async () => {
      const stream = uniqueStream();
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.appendToStream(stream, events, { expectedVersion: 'no-stream' });
      // More than an adapter may read back from the stream's end.
      const later = Array.from({ length: 300 }, (_, i) => newEvent('Later', { i }));
      await store.appendToStream(stream, later, { expectedVersion: 2 });
      const again = await store.appendToStream(stream, events, { expectedVersion: 'no-stream' });
      expect(again.nextExpectedVersion).toBe(first.nextExpectedVersion);
      expect(comparePositions(again.position, first.position)).toBe(0);
      expect((await store.readStream(stream)).version).toBe(302);
    });

    it('treats a retry with any version as done when nothing followed it', async () => {
      const stream = uniqueStream();
      const events = [newEvent('A'), newEvent('B')];
      await store.appendToStream(stream, [newEvent('Before')]);
      const first = await store.appendToStream(stream, events);
      const again = await store.appendToStream(stream, events);
      expect(again.nextExpectedVersion).toBe(3);
      expect(comparePositions(again.position, first.position)).toBe(0);
      expect((await store.readStream(stream)).version).toBe(3);
    });

    it('treats a retry with any version as done after many events, given where to look from', async () => {
      const stream = uniqueStream();
      const { position: cause } = await store.appendToStream(uniqueStream(), [newEvent('Cause')]);
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.appendToStream(stream, events);
      // More than a page of what KurrentDB reads back, one append at a time.
      for (let i = 0; i < 70; i++) await store.appendToStream(stream, [newEvent('Later', { i })]);
      const again = await store.appendToStream(stream, events, { retrySince: cause });
      expect(again.nextExpectedVersion).toBe(2);
      expect(comparePositions(again.position, first.position)).toBe(0);
      expect((await store.readStream(stream)).version).toBe(72);
    });

    it('refuses a batch that repeats some event ids of the stream and adds new ones', async () => {
      const stream = uniqueStream();
      const [a, b] = [newEvent('A'), newEvent('B')];
      await store.appendToStream(stream, [a, b]);
      const repeat = newEvent('B2', {}, b.metadata.eventId);
      await expect(store.appendToStream(stream, [repeat, newEvent('C')])).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect((await store.readStream(stream)).version).toBe(2);
    });

    it('chains an append to a long stream to its last event', async () => {
      const stream = uniqueStream();
      const many = Array.from({ length: 300 }, (_, i) => newEvent('Many', { i }));
      await store.appendToStream(stream, many, { expectedVersion: 'no-stream' });
      await store.appendToStream(stream, [newEvent('Next')], { expectedVersion: 300 });
      await store.appendToStream(stream, [newEvent('Last')]);
      const report = await verifyStream(store, stream);
      expect(report).toMatchObject({ events: 302, breaks: [] });
    });

    it.skipIf(!options.eventIdsUniqueAcrossStreams)(
      options.eventIdsUniqueAcrossStreams
        ? 'refuses an event id that belongs to another stream'
        : 'refuses an event id that belongs to another stream (skipped: this store indexes event ids per stream only)',
      async () => {
        const event = newEvent('A');
        await store.appendToStream(uniqueStream(), [event]);
        await expect(store.appendToStream(uniqueStream(), [event])).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
      },
    );

    it('lets exactly one of two racing creators of a stream win', async () => {
      const stream = uniqueStream();
      const outcomes = await Promise.allSettled(
        ['first', 'second'].map((who) =>
          store.appendToStream(stream, [newEvent('Created', { who })], {
            expectedVersion: 'no-stream',
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(rejected?.reason).toMatchObject({ expected: 'no-stream', actual: 1 });
    });

    it('lets exactly one of N concurrent appends at the same expected version succeed', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [newEvent('Created')]);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.appendToStream(stream, [newEvent('Changed', { i })], { expectedVersion: 1 }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
        expect(outcome.reason).toMatchObject({ expected: 1, actual: 2 });
      }
      expect((await store.readStream(stream)).version).toBe(2);
    });

    it('reads a slice of a stream by version', async () => {
      const stream = uniqueStream();
      await store.appendToStream(
        stream,
        ['A', 'B', 'C', 'D'].map((type) => newEvent(type)),
      );
      const { version, events } = await store.readStream(stream, { fromVersion: 2, toVersion: 3 });
      expect(version).toBe(4);
      expect(events.map((event) => event.type)).toEqual(['B', 'C']);
    });

    it('reads the global log in order, after a position, within a limit', async () => {
      const start = await store.headPosition();
      const stream = uniqueStream();
      await store.appendToStream(
        stream,
        ['A', 'B', 'C'].map((type) => newEvent(type)),
      );
      // A transaction still open anywhere on the server holds the feed back: wait for it.
      let mine: RecordedEvent[] = [];
      await expect
        .poll(
          async () => {
            mine = (await readAllAfter(store, start)).filter((event) => event.streamId === stream);
            return mine.map((event) => event.type);
          },
          { timeout: 10_000 },
        )
        .toEqual(['A', 'B', 'C']);
      const afterFirst = await store.readAll({ after: mine[0]!.position, limit: 1 });
      expect(afterFirst).toHaveLength(1);
      expect(comparePositions(afterFirst[0]!.position, mine[0]!.position)).toBe(1);
      const head = await store.headPosition();
      expect(head && comparePositions(head, mine[2]!.position)).toBeGreaterThanOrEqual(0);
    });

    it('chains every event of a stream to the one before it', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, [newEvent('A')]);
      await store.appendToStream(stream, [newEvent('B'), newEvent('C')]);
      const report = await verifyLog(store);
      expect(report.breaks).toEqual([]);
      const { events } = await store.readStream(stream);
      expect(new Set(events.map((event) => event.hash)).size).toBe(3);
    });

    it('wakes subscribers after an append', async () => {
      let wakeUps = 0;
      const unsubscribe = await store.onAppended(() => wakeUps++);
      try {
        await store.appendToStream(uniqueStream(), [newEvent('A')]);
        await expect.poll(() => wakeUps, { timeout: 5_000 }).toBeGreaterThan(0);
      } finally {
        await unsubscribe();
      }
    });
  });
}

export async function readAllAfter(
  store: EventStore,
  after: GlobalPosition | null,
): Promise<Awaited<ReturnType<EventStore['readAll']>>> {
  const all = [];
  for (let cursor = after; ;) {
    const batch = await store.readAll({ after: cursor, limit: 500 });
    all.push(...batch);
    if (batch.length < 500) return all;
    cursor = batch.at(-1)!.position;
  }
}
