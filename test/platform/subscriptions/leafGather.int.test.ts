import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leavesAt, merkleTreeProjection } from '../../../projections/audit/merkleTree.js';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, uniqueStream, untilLogReadable } from '../../support/events.js';
import { referenceRoot, storedRoot, wholeLog } from '../../support/leafTree.js';
import { loadCheckpoint } from '../../../src/platform/subscriptions/checkpoints.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const logger = pino({ level: 'silent' });
const background = { background: true };
const batchSize = 50;

/** Resolves as `promise` does, or rejects once `ms` have passed without it settling. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After taking in the end of the log, the tree's worker gathers for 100 ms before reading again:
 * a stop or a rebuild asked meanwhile does not wait for it, nor leaves the tree astray.
 */
describe.each(backends())('%s: the tree’s gather at the end of the log', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  /** The limit of each packed read of the leaves: the loop's (50), or a rebuild's (5,000). */
  let reads: number[];
  let watched: EventStore;
  const runners: ProjectionRunner[] = [];
  const runner = (over: EventStore) => {
    const created = new ProjectionRunner(
      { db: test.database.db, store: over, projections: [merkleTreeProjection], logger },
      { batchSize, pollIntervalMs: 50 },
    );
    runners.push(created);
    return created;
  };
  const append = async (events: number) => {
    await store.appendToStream(
      uniqueStream('raccolta'),
      Array.from({ length: events }, (_, i) => newEvent('Raccolto', { i })),
    );
    await untilLogReadable(test.database.db, store);
    return wholeLog(store);
  };
  const reference = async () => {
    const log = await wholeLog(store);
    return { size: log.length, root: referenceRoot(log).toString('hex') };
  };

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    store = createPostgresEventStore(test.database);
    reads = [];
    const chain = store.chain!;
    watched = {
      ...store,
      chain: {
        ...chain,
        leaves(after, limit) {
          reads.push(limit);
          return chain.leaves(after, limit);
        },
      },
    };
  });
  afterEach(async () => {
    for (const created of runners.splice(0)) await created.stop();
    await test.drop();
  });

  it('stops at once when asked during the gather, its checkpoint where its tiles end', async () => {
    const db = test.database.db;
    const log = await append(40);
    const live = runner(watched);
    await live.start();
    expect(await live.waitFor(log.at(-1)!.position, 10_000, background)).toBe(true);
    // One read, fewer leaves than a batch: the worker, just done telling its waiters, gathers.
    expect(reads).toEqual([batchSize]);

    await within(live.stop(), 2_000);
    expect(reads).toEqual([batchSize]); // nothing read after the stop
    expect(live.status()).toMatchObject([{ state: 'stopped' }]);
    expect(await loadCheckpoint(db, 'merkle_tree')).toEqual(log.at(-1)!.position);
    expect(await storedRoot(db)).toEqual(await reference());
    expect(await leavesAt(db, [log.at(-1)!.position])).toEqual([39]);

    // Started again, it goes on from there: each event once, in its place.
    const grown = await append(30);
    const again = runner(store);
    await again.start();
    expect(await again.waitFor(grown.at(-1)!.position, 10_000, background)).toBe(true);
    expect(await storedRoot(db)).toEqual(await reference());
  });

  it('rebuilds when asked during the gather, to the root of the whole log', async () => {
    const db = test.database.db;
    const log = await append(40);
    const live = runner(watched);
    await live.start();
    expect(await live.waitFor(log.at(-1)!.position, 10_000, background)).toBe(true);
    expect(reads).toEqual([batchSize]);

    expect(await within(live.rebuild('merkle_tree'), 2_000)).toBe(40);
    // The rebuild's read (20,000 leaves at a time) came next: it did not wait for the gather to
    // end and the loop to read.
    expect(reads.slice(0, 2)).toEqual([batchSize, 20_000]);
    expect(await storedRoot(db)).toEqual(await reference());
    expect(await loadCheckpoint(db, 'merkle_tree')).toEqual(log.at(-1)!.position);

    // Running alone again after it, the worker follows the log on.
    const grown = await append(25);
    expect(await live.waitFor(grown.at(-1)!.position, 10_000, background)).toBe(true);
    expect(await storedRoot(db)).toEqual(await reference());
    expect(live.status()).toMatchObject([{ state: 'running', failure: null }]);
  });
});
