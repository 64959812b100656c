import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import type { ProcessManager, Projection } from '../../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { countsPerStream, newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const logger = pino({ level: 'silent' });

/** Counts events per stream: applying any event twice would show as a wrong count. */
function countingProjection(options: { poisoned: boolean }): Projection {
  return {
    name: 'test_counts',
    async apply(trx, events) {
      for (const event of events) {
        if (options.poisoned && event.type === 'Poison') throw new Error('cannot digest Poison');
        await sql`insert into test_counts (stream_id, n) values (${event.streamId}, 1)
                  on conflict (stream_id) do update set n = test_counts.n + 1`.execute(trx);
      }
    },
    tables: ['test_counts'],
  };
}

describe.each(backends())('%s: projection runner', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  const runners: ProjectionRunner[] = [];
  const runner = (projection: Projection | ProcessManager, batchSize = 20) => {
    const created = new ProjectionRunner(
      { db: test.database.db, store, projections: [projection], logger },
      { batchSize, pollIntervalMs: 50 },
    );
    runners.push(created);
    return created;
  };
  const counts = () => countsPerStream(test.database.db);
  /** `streams` streams of 500 events each, readable. */
  const longLog = async (prefix: string, streams: number) => {
    for (let i = 0; i < streams; i++)
      await store.appendToStream(
        `${prefix}-${i}`,
        Array.from({ length: 500 }, () => newEvent('X')),
      );
    await untilLogReadable(test.database.db, store);
  };

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    store = createPostgresEventStore(test.database);
    await sql`create table test_counts (stream_id text primary key, n integer not null)`.execute(
      test.database.db,
    );
  });
  afterEach(async () => {
    for (const created of runners.splice(0)) await created.stop();
    await test.drop();
  });

  it('tells a process manager when it stops, starts it again afresh, never replays it', async () => {
    const signals: AbortSignal[] = [];
    const handled: string[] = [];
    const manager = runner({
      name: 'test_manager',
      async handle(events, stopping) {
        signals.push(stopping);
        stopping.throwIfAborted();
        handled.push(...events.map((event) => event.type));
      },
    });
    await manager.start();
    const { position } = await store.appendToStream('pm-1', [newEvent('A'), newEvent('B')]);
    expect(await manager.waitFor(position, 5_000, { background: true })).toBe(true);
    await manager.stop();
    expect(signals.at(-1)?.aborted).toBe(true);
    // Started again, it goes on from its checkpoint, with a signal the earlier stop did not abort.
    await manager.start();
    const next = await store.appendToStream('pm-1', [newEvent('C')]);
    expect(await manager.waitFor(next.position, 5_000, { background: true })).toBe(true);
    expect(signals.at(-1)?.aborted).toBe(false);
    // Its history's commands were given once: a rebuild is refused, and it handles nothing.
    await expect(manager.rebuild('test_manager')).rejects.toThrow('never rebuilt');
    expect(handled).toEqual(['A', 'B', 'C']);
    await manager.stop();
  });

  it('gives a process manager only what it follows, saving its checkpoint with it or at stop', async () => {
    const handled: string[] = [];
    const saved = async () =>
      (
        await test.database.db
          .selectFrom('projection_checkpoints')
          .select('commit_position')
          .where('name', '=', 'test_follower')
          .executeTakeFirst()
      )?.commit_position;
    const manager = runner({
      name: 'test_follower',
      follows: (event) => event.type === 'Wanted',
      async handle(events) {
        handled.push(...events.map((event) => `${event.type}@${event.streamId}`));
      },
    });
    await manager.start();
    const first = await store.appendToStream('f-1', [newEvent('Other'), newEvent('Wanted')]);
    expect(await manager.waitFor(first.position, 5_000, { background: true })).toBe(true);
    const atFirst = await saved();
    // Only events it does not follow: read, not handled, and no checkpoint written for them.
    const other = await store.appendToStream('f-2', [newEvent('Other'), newEvent('Other')]);
    expect(await manager.waitFor(other.position, 5_000, { background: true })).toBe(true);
    expect(await saved()).toBe(atFirst);
    await manager.stop();
    expect(BigInt((await saved())!)).toBe(other.position.commit);
    expect(handled).toEqual(['Wanted@f-1']);
  });

  it('applies new events and lets a caller wait for its own write', async () => {
    const live = runner(countingProjection({ poisoned: false }));
    await live.start();
    const { position } = await store.appendToStream('a-1', [newEvent('X'), newEvent('X')]);
    expect(await live.waitFor(position, 5_000)).toBe(true);
    expect(await counts()).toEqual([{ stream_id: 'a-1', n: 2 }]);
  });

  it('catches up a long log in large batches, reading the next one while applying this one', async () => {
    await longLog('long', 24);
    const order: string[] = [];
    const watched: EventStore = {
      ...store,
      readAll: (options) => {
        order.push(`read ${options.limit}`);
        return store.readAll(options);
      },
    };
    const slow: Projection = {
      name: 'test_counts',
      async apply(_trx, events) {
        order.push(`apply ${events.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
      tables: ['test_counts'],
    };
    // The portal's batch sizes: none given.
    const catchingUp = new ProjectionRunner(
      { db: test.database.db, store: watched, projections: [slow], logger },
      { pollIntervalMs: 50 },
    );
    runners.push(catchingUp);
    await catchingUp.start();
    expect(await catchingUp.waitFor(await store.headPosition(), 30_000)).toBe(true);
    const applied = order.filter((step) => step.startsWith('apply'));
    expect(applied.map((step) => Number(step.slice(6))).reduce((sum, n) => sum + n, 0)).toBe(
      12_000,
    );
    // A full batch of 1,000: behind, so the next one, of 5,000, is asked before it is applied.
    expect(order.slice(0, 5)).toEqual([
      'read 1000',
      'read 5000',
      'apply 1000',
      'read 5000',
      'apply 5000',
    ]);
  });

  it('reads the log again, rather than sleeping, when a batch read ahead came back short', async () => {
    await longLog('ahead', 6);
    // The first read ahead sees nothing, as one running beside the batch's transaction may not
    // see the newest appends: it must not be taken for the log's end.
    let reads = 0;
    const hiding: EventStore = {
      ...store,
      readAll: async (options) => (++reads === 2 ? [] : store.readAll(options)),
    };
    const quiet = new ProjectionRunner(
      {
        db: test.database.db,
        store: hiding,
        projections: [countingProjection({ poisoned: false })],
        logger,
      },
      { pollIntervalMs: 60_000 },
    );
    runners.push(quiet);
    await quiet.start();
    expect(await quiet.waitFor(await store.headPosition(), 10_000)).toBe(true);
    expect(reads).toBeGreaterThan(2);
  });

  it('stops at a failing event, names it, and after a restart equals a clean rebuild', async () => {
    for (let i = 0; i < 5; i++)
      await store.appendToStream(
        'a-1',
        Array.from({ length: 10 }, () => newEvent('X')),
      );
    await store.appendToStream('b-1', [newEvent('Poison')]);
    const { position: end } = await store.appendToStream(
      'a-1',
      Array.from({ length: 30 }, () => newEvent('X')),
    );

    const failing = runner(countingProjection({ poisoned: true }));
    await failing.start();
    expect(await failing.waitFor(end, 10_000)).toBe(false);
    const [status] = failing.status();
    expect(status).toMatchObject({
      state: 'failed',
      failure: { streamId: 'b-1', version: 1, eventType: 'Poison' },
    });
    expect(await counts()).toEqual([{ stream_id: 'a-1', n: 50 }]); // everything before it, nothing after
    await failing.stop();

    const restarted = runner(countingProjection({ poisoned: false }));
    await restarted.start();
    expect(await restarted.waitFor(end, 10_000)).toBe(true);
    const afterRestart = await counts();
    expect(afterRestart).toEqual([
      { stream_id: 'a-1', n: 80 },
      { stream_id: 'b-1', n: 1 },
    ]);

    expect(await restarted.rebuild('test_counts')).toBe(81);
    expect(await counts()).toEqual(afterRestart);
    await restarted.rebuild('test_counts');
    expect(await counts()).toEqual(afterRestart);
  });

  it('never applies an event twice when two runners share a projection', async () => {
    for (let i = 0; i < 10; i++) {
      await store.appendToStream(
        `s-${i % 3}`,
        Array.from({ length: 10 }, () => newEvent('X')),
      );
    }
    await untilLogReadable(test.database.db, store);
    const head = await store.headPosition();
    const first = runner(countingProjection({ poisoned: false }), 7);
    const second = runner(countingProjection({ poisoned: false }), 7);
    await Promise.all([first.start(), second.start()]);
    expect(await first.waitFor(head, 10_000)).toBe(true);
    expect(await second.waitFor(head, 10_000)).toBe(true);
    expect((await counts()).map((row) => row.n)).toEqual([40, 30, 30]);
  });
});
