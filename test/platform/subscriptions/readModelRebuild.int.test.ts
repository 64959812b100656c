import { sql, type Transaction } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from '../../../src/platform/db/schema.js';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import type { Projection } from '../../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { countsPerStream, newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const logger = pino({ level: 'silent' });

/** Whether this transaction writes to a rebuild's tables rather than the live ones. */
const inRebuild = async (trx: Transaction<Schema>) =>
  (
    await sql<{ path: string }>`select current_setting('search_path') as path`.execute(trx)
  ).rows[0]!.path.startsWith('read_model_rebuild');

/** Counts events per stream; with `failRebuild`, a rebuild's batch throws, the live ones pass. */
function countsProjection(control: { failRebuild: boolean }): Projection {
  return {
    name: 'test_counts',
    async apply(trx, events) {
      if (control.failRebuild && (await inRebuild(trx)))
        throw new Error('the rebuild cannot digest this');
      for (const event of events)
        await sql`insert into test_counts (stream_id, n) values (${event.streamId}, 1)
                  on conflict (stream_id) do update set n = test_counts.n + 1`.execute(trx);
    },
    tables: ['test_counts'],
  };
}

/** A reactor that changes test_counts rows on Erase (as the erasure of personal data does). */
const eraser: Projection = {
  name: 'test_eraser',
  reactor: true,
  follows: (event) => event.type === 'Erase',
  writesInto: ['test_counts'],
  apply: async () => undefined,
  tables: [],
};

describe.each(backends())('%s: a rebuild beside the live read model', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  let runner: ProjectionRunner;
  const control = { failRebuild: false };
  /** While set, the rebuild's reads (5,000 at a time; the live ones take 20) wait for it. */
  let hold: { reached: () => void; released: Promise<void> } | null = null;

  const counts = () => countsPerStream(test.database.db);
  /** Holds the rebuild's next read: `reached` once it is there, `release` lets it go. */
  const holdRebuildReads = () => {
    let release!: () => void;
    let reachedHold!: () => void;
    const reached = new Promise<void>((resolve) => (reachedHold = resolve));
    hold = { reached: reachedHold, released: new Promise((resolve) => (release = resolve)) };
    return { reached, release };
  };
  const shadowSchemas = async () =>
    (
      await sql<{ name: string }>`select nspname as name from pg_namespace
        where starts_with(nspname, 'read_model_rebuild')`.execute(test.database.db)
    ).rows;
  const append = async (stream: string, n: number) =>
    (
      await store.appendToStream(
        stream,
        Array.from({ length: n }, () => newEvent('X')),
      )
    ).position;

  beforeEach(async () => {
    test = await openTestDatabase(backend);
    const events = createPostgresEventStore(test.database);
    store = events;
    // Held between the rebuild's batches: with PGlite's one connection, a hold inside a
    // transaction would hold up the live runner too.
    const gated: EventStore['readAll'] = async (options) => {
      if (hold && options.limit === 5_000) {
        hold.reached();
        await hold.released;
      }
      return events.readAll(options);
    };
    const readerStore = new Proxy(events, {
      get: (target, property) =>
        property === 'readAll' ? gated : (Reflect.get(target, property) as unknown),
    });
    await sql`create table test_counts (
      stream_id text primary key,
      n integer not null constraint test_counts_n_positive check (n > 0))`.execute(
      test.database.db,
    );
    await sql`create index test_counts_by_n on test_counts (n)`.execute(test.database.db);
    control.failRebuild = false;
    hold = null;
    runner = new ProjectionRunner(
      {
        db: test.database.db,
        store: readerStore,
        projections: [countsProjection(control), eraser],
        logger,
      },
      { batchSize: 20, pollIntervalMs: 50 },
    );
    await runner.start();
    await append('a-1', 10);
    await append('b-1', 10);
    expect(await runner.waitFor(await append('c-1', 10), 20_000)).toBe(true);
  });
  afterEach(async () => {
    await runner.stop();
    await test.drop();
  });

  it('serves and moves the live rows until the new ones are whole, then swaps them in', async () => {
    const { reached, release } = holdRebuildReads();
    const rebuilt = runner.rebuild('test_counts');
    await reached;
    // Mid-rebuild: the live table is whole, and still follows the log.
    expect(await runner.waitFor(await append('a-1', 5), 20_000)).toBe(true);
    expect(await counts()).toEqual([
      { stream_id: 'a-1', n: 15 },
      { stream_id: 'b-1', n: 10 },
      { stream_id: 'c-1', n: 10 },
    ]);
    hold = null;
    release();
    expect(await rebuilt).toBeGreaterThanOrEqual(30);
    // After the swap the rebuilt table goes on from where the rebuild got, an event once.
    expect(await runner.waitFor(await append('b-1', 1), 20_000)).toBe(true);
    expect(await counts()).toEqual([
      { stream_id: 'a-1', n: 15 },
      { stream_id: 'b-1', n: 11 },
      { stream_id: 'c-1', n: 10 },
    ]);
    expect(await shadowSchemas()).toEqual([]);
    // The table swapped in is the migrations' own: the same index and constraint names.
    const { rows: indexes } = await sql<{ name: string }>`select indexname as name
      from pg_indexes where tablename = 'test_counts' order by indexname`.execute(test.database.db);
    expect(indexes.map((index) => index.name)).toEqual(['test_counts_by_n', 'test_counts_pkey']);
    const { rows: checks } = await sql<{ name: string }>`select conname as name
      from pg_constraint where conrelid = 'test_counts'::regclass and contype in ('c', 'p', 'u')
      order by conname`.execute(test.database.db);
    expect(checks.map((check) => check.name)).toEqual([
      'test_counts_n_positive',
      'test_counts_pkey',
    ]);
  });

  it('changes nothing when it fails, and the live read model goes on', async () => {
    control.failRebuild = true;
    await expect(runner.rebuild('test_counts')).rejects.toThrow('cannot digest');
    expect(await shadowSchemas()).toEqual([]);
    expect(await runner.waitFor(await append('c-1', 2), 20_000)).toBe(true);
    expect(await counts()).toEqual([
      { stream_id: 'a-1', n: 10 },
      { stream_id: 'b-1', n: 10 },
      { stream_id: 'c-1', n: 12 },
    ]);
  });

  it('is not swapped in when a reactor changed, meanwhile, rows it had read', async () => {
    const { reached, release } = holdRebuildReads();
    const rebuilt = runner.rebuild('test_counts');
    rebuilt.catch(() => undefined);
    await reached;
    await store.appendToStream('a-1', [newEvent('Erase')]);
    // Readable by the rebuild's next read: one held back behind an older transaction until the
    // rebuild has ended is the limit the guard does not see (readModelRebuild.ts).
    await untilLogReadable(test.database.db, store);
    hold = null;
    release();
    await expect(rebuilt).rejects.toThrow('Erase di a-1, registrato durante la ricostruzione');
    expect(await shadowSchemas()).toEqual([]);
    expect(await runner.waitFor(await append('c-1', 1), 20_000)).toBe(true);
    expect(await counts()).toEqual([
      { stream_id: 'a-1', n: 11 },
      { stream_id: 'b-1', n: 10 },
      { stream_id: 'c-1', n: 11 },
    ]);
  });

  it('stops at its next batch when told, swapping nothing in', async () => {
    const { reached, release } = holdRebuildReads();
    const stop = new AbortController();
    const rebuilt = runner.rebuildTogether(['test_counts'], undefined, stop.signal);
    rebuilt.catch(() => undefined);
    await reached;
    stop.abort(new Error('il processo si ferma'));
    hold = null;
    release();
    await expect(rebuilt).rejects.toThrow('il processo si ferma');
    expect(await shadowSchemas()).toEqual([]);
    expect(await runner.waitFor(await append('c-1', 1), 20_000)).toBe(true);
    expect(await counts()).toEqual([
      { stream_id: 'a-1', n: 10 },
      { stream_id: 'b-1', n: 10 },
      { stream_id: 'c-1', n: 11 },
    ]);
  });

  it('fails one overtaken by a second, which it cannot write into', async () => {
    // The first waits at its read; a second (its job taken over by another process) begins.
    const first = holdRebuildReads();
    const overtaken = runner.rebuild('test_counts');
    overtaken.catch(() => undefined);
    await first.reached;
    const second = holdRebuildReads();
    const overtaking = runner.rebuild('test_counts');
    await second.reached;
    // The first goes on while the second's tables are there: its own are gone.
    hold = null;
    first.release();
    await expect(overtaken).rejects.toThrow();
    second.release();
    expect(await overtaking).toBe(30);
    expect(await shadowSchemas()).toEqual([]);
    expect(await counts()).toEqual([
      { stream_id: 'a-1', n: 10 },
      { stream_id: 'b-1', n: 10 },
      { stream_id: 'c-1', n: 10 },
    ]);
  });
});
