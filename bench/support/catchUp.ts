import { pino } from 'pino';
import { streamIndexProjection } from '../../projections/audit/streamIndex.js';
import type { Database } from '../../src/platform/db/database.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import { contractRegistered } from './events.js';

export interface CatchUpOptions {
  readonly streams: number;
  readonly eventsPerStream: number;
  /** Concurrent appenders while seeding (seeding is not timed as catch-up). */
  readonly writers: number;
}

export interface CatchUpFigures {
  /** Events in the log, and events the rebuild reported reading (they differ if it is wrong). */
  readonly events: number;
  readonly eventsRead: number;
  readonly streams: number;
  /** Rows in stream_index after the rebuild: one per stream when the rebuild is complete. */
  readonly indexedStreams: number;
  readonly complete: boolean;
  readonly seedSeconds: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** Fills the log, then times a full rebuild of stream_index with the production runner. */
export async function measureCatchUp(
  database: Database,
  options: CatchUpOptions,
): Promise<CatchUpFigures> {
  const store = createPostgresEventStore(database);
  const seedStarted = performance.now();
  await seed(store, options);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const runner = new ProjectionRunner({
    db: database.db,
    store,
    projections: [streamIndexProjection],
    logger: pino({ level: 'silent' }),
  });
  const started = performance.now();
  const eventsRead = await runner.rebuild('stream_index');
  const seconds = (performance.now() - started) / 1000;
  const indexedStreams = await countRows(database);
  const events = options.streams * options.eventsPerStream;
  return {
    events,
    eventsRead,
    streams: options.streams,
    indexedStreams,
    complete: indexedStreams === options.streams && eventsRead === events,
    seedSeconds,
    seconds,
    eventsPerSecond: eventsRead / seconds,
  };
}

async function countRows(database: Database): Promise<number> {
  const { n } = await database.db
    .selectFrom('stream_index')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** One append of `eventsPerStream` events per new stream, from `writers` concurrent appenders. */
async function seed(store: EventStore, options: CatchUpOptions): Promise<void> {
  let next = 0;
  const appender = async () => {
    for (let n = next++; n < options.streams; n = next++) {
      const streamId = `contract-seed-${n}`;
      const events = Array.from({ length: options.eventsPerStream }, (_, i) =>
        contractRegistered(streamId, i + 1),
      );
      await store.appendToStream(streamId, events, { expectedVersion: 'no-stream' });
    }
  };
  await Promise.all(Array.from({ length: options.writers }, appender));
}
