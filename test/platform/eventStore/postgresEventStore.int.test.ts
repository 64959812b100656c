import { describe, expect, it } from 'vitest';
import {
  DuplicateEventIdError,
  type AppendResult,
} from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { verifyLog } from '../../../src/platform/eventStore/verifyLog.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, postgresUrl } from '../../support/testDatabase.js';
import { eventStoreContract } from './eventStoreContract.js';

for (const backend of backends()) {
  eventStoreContract(backend === 'pglite' ? 'PGlite' : 'PostgreSQL', async () => {
    const { database, drop } = await openTestDatabase(backend);
    return { store: createPostgresEventStore(database), close: drop };
  });
}

if (!postgresUrl()) {
  describe('PostgreSQL: event store contract', () => {
    it.skipIf(true)('skipped: no Docker for testcontainers and no DATABASE_URL', () => {});
  });
}

describe.each(backends())('%s: global order across digit boundaries', (backend) => {
  it('pages through positions 1..40 in append order, with no gap and no repeat', async () => {
    const { database, drop } = await openTestDatabase(backend);
    try {
      const store = createPostgresEventStore(database);
      // One transaction holding positions 1..12: text order would put 10 before 2.
      const batch = Array.from({ length: 12 }, (_, i) => newEvent('Many', { i }));
      await store.appendToStream('s-batch', batch);
      const appended = batch.map((event) => event.metadata.eventId);
      for (let i = 0; i < 28; i++) {
        const event = newEvent('One', { i });
        await store.appendToStream(`s-${i % 5}`, [event]);
        appended.push(event.metadata.eventId);
      }

      await untilLogReadable(database.db, store);
      const read: string[] = [];
      for (let after = null; ;) {
        const page = await store.readAll({ after, limit: 4 });
        if (page.length === 0) break;
        read.push(...page.map((event) => event.metadata.eventId));
        after = page.at(-1)!.position;
      }
      expect(read).toEqual(appended);
      expect((await store.headPosition())?.prepare).toBe(40n);
    } finally {
      await drop();
    }
  });
});

describe.each(backends())('%s: appends that leave together (append_batch)', (backend) => {
  // One call at a time: everything asked for meanwhile goes out as one batch.
  const batching = { inFlight: 1, maxBatch: 64 };

  it('gives each append of a batch its own outcome: appended, conflict, repeated, same stream twice', async () => {
    const { database, drop } = await openTestDatabase(backend);
    try {
      const store = createPostgresEventStore(database, { batching });
      const earlier = newEvent('Earlier');
      await store.appendToStream('s-retried', [earlier]);
      const [first, ...together] = await Promise.allSettled([
        store.appendToStream('s-opener', [newEvent('Opens')]),
        store.appendToStream('s-new', [newEvent('A'), newEvent('B')], {
          expectedVersion: 'no-stream',
        }),
        store.appendToStream('s-twice', [newEvent('One')], { expectedVersion: 0 }),
        store.appendToStream('s-twice', [newEvent('Two')], { expectedVersion: 1 }),
        store.appendToStream('s-retried', [newEvent('Stale')], { expectedVersion: 0 }),
      ]);
      expect(first.status).toBe('fulfilled');
      expect(together.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      expect((together[3] as PromiseRejectedResult).reason).toMatchObject({
        expected: 0,
        actual: 1,
      });
      expect((await store.readStream('s-new')).events.map((e) => e.type)).toEqual(['A', 'B']);
      expect((await store.readStream('s-twice')).events.map((e) => e.type)).toEqual(['One', 'Two']);
      const fulfilled = together.slice(0, 3) as PromiseFulfilledResult<AppendResult>[];
      expect(fulfilled.map((outcome) => outcome.value.nextExpectedVersion)).toEqual([2, 1, 2]);
      // The batch is one transaction: one commit position for all of it.
      expect(new Set(fulfilled.map((outcome) => outcome.value.position.commit)).size).toBe(1);

      // A retry of an append already in the log answers with the first outcome; the appends
      // beside it in its batch are made as usual.
      const [, again, beside] = await Promise.all([
        store.appendToStream('s-opener', [newEvent('Busy')]),
        store.appendToStream('s-retried', [earlier], { expectedVersion: 'no-stream' }),
        store.appendToStream('s-beside', [newEvent('Beside')]),
      ]);
      expect(again.nextExpectedVersion).toBe(1);
      expect(beside.nextExpectedVersion).toBe(1);
      expect((await store.readStream('s-retried')).version).toBe(1);
      expect(await verifyLog(store)).toMatchObject({ breaks: [] });
    } finally {
      await drop();
    }
  });

  it('refuses an event id twice in one batch to that append alone', async () => {
    const { database, drop } = await openTestDatabase(backend);
    try {
      const store = createPostgresEventStore(database, { batching });
      const shared = newEvent('Shared');
      const outcomes = await Promise.allSettled([
        store.appendToStream('s-opener', [newEvent('Opens')]),
        store.appendToStream('s-left', [newEvent('Own')]),
        store.appendToStream('s-one', [shared]),
        store.appendToStream('s-other', [shared]),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
      expect((await store.readStream('s-left')).version).toBe(1);
      expect((await store.readStream('s-other')).version).toBe(0);
      expect(await verifyLog(store)).toMatchObject({ events: 3, breaks: [] });
    } finally {
      await drop();
    }
  });
});

describe.each(backends())('%s: wake-ups after an append', (backend) => {
  it('wakes another store on the database by NOTIFY, and its own readers once', async () => {
    const { database, drop } = await openTestDatabase(backend);
    try {
      // Two stores on one database: two processes, as far as wake-ups go.
      const [writer, other] = [
        createPostgresEventStore(database),
        createPostgresEventStore(database),
      ];
      const heard = { writer: 0, other: 0 };
      const unsubscribe = await Promise.all([
        writer.onAppended(() => heard.writer++),
        other.onAppended(() => heard.other++),
      ]);
      try {
        await writer.appendToStream('s-woken', [newEvent('A')]);
        await expect.poll(() => heard.other, { timeout: 5_000 }).toBe(1);
        // The NOTIFY came back to the writer too, after the other heard it: it was not heard again.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(heard).toEqual({ writer: 1, other: 1 });
      } finally {
        await Promise.all(unsubscribe.map((stop) => stop()));
      }
    } finally {
      await drop();
    }
  });
});
