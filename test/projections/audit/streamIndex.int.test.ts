import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  categoryOf,
  evolveStreamIndex,
  streamIndexProjection,
} from '../../../projections/audit/streamIndex.js';
import type { EventStore, RecordedEvent } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const recorded = (
  streamId: string,
  version: number,
  recordedAt: string,
  type = 'X',
): RecordedEvent => ({
  streamId,
  version,
  type,
  data: {},
  hash: '',
  position: { commit: 1n, prepare: BigInt(version) },
  metadata: { ...newEvent(type).metadata, recordedAt },
});

describe('stream index: pure evolution', () => {
  it('takes the category from the stream id prefix', () => {
    expect(categoryOf('declaration-2026-000123')).toBe('declaration');
    expect(categoryOf('plain')).toBe('plain');
  });

  it('keeps the first event time and moves the last one', () => {
    const first = evolveStreamIndex(
      undefined,
      recorded('contract-1', 1, '2026-01-01T00:00:00.000Z', 'Registered'),
    );
    const second = evolveStreamIndex(
      first,
      recorded('contract-1', 2, '2026-02-01T00:00:00.000Z', 'Validated'),
    );
    expect(second).toEqual({
      streamId: 'contract-1',
      category: 'contract',
      version: 2,
      firstEventAt: '2026-01-01T00:00:00.000Z',
      lastEventAt: '2026-02-01T00:00:00.000Z',
      lastEventType: 'Validated',
    });
  });
});

describe.each(backends())('%s: stream index in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());
  /** Two events a batch. */
  const runnerOn = (store: EventStore) =>
    new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [streamIndexProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );

  it('holds one row per stream, the same after replaying twice', async () => {
    const store = createPostgresEventStore(test.database);
    await store.appendToStream('contract-1', [newEvent('Registered'), newEvent('Validated')]);
    await store.appendToStream('account-7', [newEvent('Registered')]);
    await store.appendToStream('contract-1', [newEvent('Claimed')]);
    const runner = runnerOn(store);
    const rows = () =>
      test.database.db
        .selectFrom('stream_index')
        .select(['stream_id', 'category', 'version', 'last_event_type'])
        .orderBy('stream_id')
        .execute();

    await untilLogReadable(test.database.db, store);
    await runner.rebuild('stream_index');
    const once = await rows();
    expect(once).toEqual([
      { stream_id: 'account-7', category: 'account', version: 1, last_event_type: 'Registered' },
      { stream_id: 'contract-1', category: 'contract', version: 3, last_event_type: 'Claimed' },
    ]);
    await runner.rebuild('stream_index');
    expect(await rows()).toEqual(once);
  });

  it('keeps a stream’s first event time when its later events come in later batches', async () => {
    // A second between appends: the first event's time cannot be mistaken for a later one's.
    let tick = Date.parse('2026-03-01T08:00:00.000Z');
    const store = createPostgresEventStore(test.database, {
      now: () => new Date((tick += 1_000)),
    });
    await store.appendToStream('ledger-1', [newEvent('Opened')]);
    await store.appendToStream('other-1', [newEvent('Noise'), newEvent('Noise')]);
    await store.appendToStream('ledger-1', [newEvent('Moved'), newEvent('Closed')]);
    // The ledger's row is written in the first batch and again in the last.
    await untilLogReadable(test.database.db, store);
    const runner = runnerOn(store);
    await runner.start();
    try {
      expect(await runner.waitFor(await store.headPosition())).toBe(true);
    } finally {
      await runner.stop();
    }
    const row = await test.database.db
      .selectFrom('stream_index')
      .selectAll()
      .where('stream_id', '=', 'ledger-1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ version: 3, last_event_type: 'Closed', category: 'ledger' });
    const { events } = await store.readStream('ledger-1');
    expect(row.first_event_at.toISOString()).toBe(events[0]!.metadata.recordedAt);
    expect(row.last_event_at.toISOString()).toBe(events[2]!.metadata.recordedAt);
    expect(row.last_event_at.getTime()).toBeGreaterThan(row.first_event_at.getTime());
  });
});
