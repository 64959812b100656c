import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { merkleTreeProjection, treeSize } from '../../../projections/audit/merkleTree.js';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
} from '../../../src/platform/eventStore/eventStore.js';
import { formatPosition, positionIn } from '../../../src/platform/eventStore/globalPosition.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import type { LeafProjection } from '../../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, uniqueStream, untilLogReadable } from '../../support/events.js';
import {
  faultyTree,
  holds,
  referenceRoot,
  storedRoot,
  storedTiles,
  wholeLog,
} from '../../support/leafTree.js';
import { loadCheckpoint } from '../../../src/platform/subscriptions/checkpoints.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const reference = (log: readonly RecordedEvent[], size = log.length) => ({
  size,
  root: referenceRoot(log, size).toString('hex'),
});

type LogLine = { level: number; msg: string; [key: string]: unknown };
const parsed = (line: string) => JSON.parse(line) as LogLine;

/** The Merkle tree as the subscription worker keeps it: its read of the log, and its failures. */
describe.each(backends())('%s: the tree as a leaf projection', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  let log: RecordedEvent[];
  /** What the runner logged, at warn and above, as pino writes it. */
  let logs: LogLine[];
  const runners: ProjectionRunner[] = [];
  const runner = (
    projection: LeafProjection,
    options: { store?: EventStore; batchSize?: number },
  ) => {
    const created = new ProjectionRunner(
      {
        db: test.database.db,
        store: options.store ?? store,
        projections: [projection],
        logger: pino({ level: 'warn' }, { write: (line: string) => logs.push(parsed(line)) }),
      },
      { batchSize: options.batchSize ?? 50, pollIntervalMs: 50 },
    );
    runners.push(created);
    return created;
  };
  const background = { background: true };

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    store = createPostgresEventStore(test.database);
    logs = [];
    // Three writers at once, appends of 1 to 9 events: 279 events, past the first tile of 256.
    await Promise.all(
      [0, 1, 2].map(async (s) => {
        const stream = uniqueStream('albero');
        for (let i = 0; i < 20; i++)
          await store.appendToStream(
            stream,
            Array.from({ length: 1 + (i % 9) }, (_, j) => newEvent('Cresciuto', { s, i, j })),
          );
      }),
    );
    await untilLogReadable(test.database.db, store);
    log = await wholeLog(store);
  });
  afterEach(async () => {
    for (const created of runners.splice(0)) await created.stop();
    await test.drop();
  });

  it('builds through readAll, where the store has no packed read, the tree the packed read builds', async () => {
    const readAlls: number[] = [];
    // As KurrentDB is: logLeaves falls back on readAll.
    const withoutChain: EventStore = {
      ...store,
      chain: undefined,
      readAll(options) {
        readAlls.push(options.limit);
        return store.readAll(options);
      },
    };
    const db = test.database.db;
    const viaReadAll = runner(merkleTreeProjection, { store: withoutChain, batchSize: 7 });
    await viaReadAll.start();
    expect(await viaReadAll.waitFor(log.at(-1)!.position, 20_000, background)).toBe(true);
    await viaReadAll.stop();
    expect(readAlls.length).toBeGreaterThanOrEqual(Math.ceil(log.length / 7));
    expect(await storedRoot(db)).toEqual(reference(log));
    const tiles = await storedTiles(db);

    // The same log read packed, in one batch: the same tiles, leaves' places included.
    expect(await runner(merkleTreeProjection, {}).rebuild('merkle_tree')).toBe(log.length);
    expect(await storedRoot(db)).toEqual(reference(log));
    expect(await storedTiles(db)).toEqual(tiles);
  });

  it('takes a failed batch in again from its checkpoint, with nothing of it kept', async () => {
    const db = test.database.db;
    const target = log[130]!.position;
    let failedOnce = false;
    const faulty = faultyTree((leaves) => {
      if (failedOnce || !holds(leaves, target)) return false;
      failedOnce = true;
      return true;
    });
    /** Each transaction's batch, the tree it found committed, and its checkpoint moved. */
    const calls: { first: GlobalPosition; count: number; size: number; at: GlobalPosition }[] = [];
    let failedCall = -1;
    const recording: LeafProjection = {
      ...faulty,
      async applyLeaves(trx, leaves) {
        calls.push({
          first: positionIn(leaves.positions, 0),
          count: leaves.count,
          size: await treeSize(trx),
          at: await loadCheckpoint(trx, 'merkle_tree'),
        });
        try {
          await faulty.applyLeaves(trx, leaves);
        } catch (error) {
          failedCall = calls.length - 1;
          throw error;
        }
      },
    };
    const live = runner(recording, {});
    await live.start();
    expect(await live.waitFor(log.at(-1)!.position, 20_000, background)).toBe(true);

    expect(failedCall).toBeGreaterThan(0); // it failed once, after batches that passed
    const failed = calls[failedCall]!;
    expect(failed.count).toBeGreaterThan(1);
    const first = log.findIndex(
      (event) => formatPosition(event.position) === formatPosition(failed.first),
    );
    // The next transaction starts where the failed one did, and finds the tree it found: the
    // failed one left nothing, not even its checkpoint, which each moves with its batch.
    const retried = calls[failedCall + 1]!;
    expect(retried).toMatchObject({
      first: failed.first,
      size: first,
      at: log[first + retried.count - 1]!.position,
    });
    expect(failed).toMatchObject({ size: first, at: log[first + failed.count - 1]!.position });
    expect(await storedRoot(db)).toEqual(reference(log));
    expect(await loadCheckpoint(db, 'merkle_tree')).toEqual(log.at(-1)!.position);
    expect(live.status()).toMatchObject([{ state: 'running', failure: null }]);
    expect(logs.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('stops at a leaf that keeps failing, names its event, and catches up once it passes', async () => {
    const db = test.database.db;
    const poison = log[130]!;
    let broken = true;
    const faulty = faultyTree((leaves) => broken && holds(leaves, poison.position));
    const failing = runner(faulty, {});
    await failing.start();
    expect(await failing.waitFor(log.at(-1)!.position, 20_000, background)).toBe(false);

    const before = log[129]!.position;
    expect(failing.status()).toMatchObject([
      {
        name: 'merkle_tree',
        state: 'failed',
        checkpoint: before,
        failure: {
          message: 'the tree cannot take this batch in',
          streamId: poison.streamId,
          version: poison.version,
          eventType: poison.type,
        },
      },
    ]);
    expect(logs.filter((line) => line.level >= 50)).toMatchObject([
      {
        msg: `Projection merkle_tree stopped at ${poison.type} ${poison.streamId}@${poison.version}`,
        projection: 'merkle_tree',
        checkpoint: formatPosition(before),
        streamId: poison.streamId,
        version: poison.version,
      },
    ]);
    // Stored: the tree of every event before it, whole, and the checkpoint that goes with it.
    expect(await loadCheckpoint(db, 'merkle_tree')).toEqual(before);
    expect(await storedRoot(db)).toEqual(reference(log, 130));
    await failing.stop();

    broken = false;
    const restarted = runner(faulty, {});
    await restarted.start();
    expect(await restarted.waitFor(log.at(-1)!.position, 20_000, background)).toBe(true);
    expect(await storedRoot(db)).toEqual(reference(log));
    expect(restarted.status()).toMatchObject([{ state: 'running', failure: null }]);
  });
});
