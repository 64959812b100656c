import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { toRomeLocal } from '../../src/audit/historyTime.js';
import { stateAsOf } from '../../src/audit/stateAsOf.js';
import { streamKindOf } from '../../src/audit/streamKinds.js';
import { loadTimeline } from '../../src/audit/timeline.js';
import { streamKind } from './auditLogGeneration.js';
import { Random } from './auditLogRandom.js';
import { timingOf, type Timing } from './timing.js';

/** A stream picked for the measures, with a version and an instant inside it to ask about. */
export interface SampledStream {
  readonly streamId: string;
  readonly kind: string;
  readonly version: number;
  /** A version picked at random, and the Rome local time (datetime-local) of that event. */
  readonly askVersion: number;
  readonly askTime: string;
}

/**
 * `count` streams in a fixed pseudo-random order (md5 of the id and a seed), uniform over
 * streams; `replayable` keeps only the kinds whose state can be rebuilt (a decider's evolve).
 */
export async function sampleStreams(
  database: Database,
  count: number,
  options: { seed: number; replayable: boolean },
): Promise<SampledStream[]> {
  const { rows } = await sql<{ stream_id: string; version: number }>`
    select stream_id, version from streams
    order by md5(stream_id || ${String(options.seed)}) limit ${count * 6}`.execute(database.db);
  const random = new Random(options.seed);
  const chosen = rows
    .filter((row) => !options.replayable || streamKindOf(row.stream_id).replayer !== null)
    .slice(0, count);
  return Promise.all(
    chosen.map(async (row) => {
      const askVersion = random.int(1, row.version);
      const { rows: at } = await sql<{ occurred: string }>`
        select metadata ->> 'occurredAt' as occurred from events
        where stream_id = ${row.stream_id} and version = ${askVersion}`.execute(database.db);
      return {
        streamId: row.stream_id,
        kind: streamKind(row.stream_id),
        version: row.version,
        askVersion,
        askTime: toRomeLocal(at[0]!.occurred).slice(0, 16),
      };
    }),
  );
}

/** The longest stream of each kind: the worst cases, measured apart from the random sample. */
export async function longestStreams(database: Database): Promise<SampledStream[]> {
  const { rows } = await sql<{ stream_id: string; version: number }>`
    select distinct on (split_part(stream_id, '-', 1)) stream_id, version from streams
    order by split_part(stream_id, '-', 1), version desc`.execute(database.db);
  return rows
    .filter((row) => row.version >= 10)
    .map((row) => ({
      streamId: row.stream_id,
      kind: streamKind(row.stream_id),
      version: row.version,
      askVersion: Math.ceil(row.version / 2),
      askTime: '',
    }));
}

export interface TimedRequests extends Timing {
  readonly failures: number;
  /** p50 per kind of stream, where the sample has some. */
  readonly byKind: Readonly<Record<string, { readonly runs: number; readonly p50Ms: number }>>;
}

/** Runs `request` once per stream, one at a time, after a few untimed warm-up calls. */
export async function timeEach(
  streams: readonly SampledStream[],
  request: (stream: SampledStream) => Promise<boolean>,
  warmup = 10,
): Promise<TimedRequests> {
  for (const stream of streams.slice(0, warmup)) await request(stream);
  const latencies: number[] = [];
  const perKind = new Map<string, number[]>();
  let failures = 0;
  for (const stream of streams) {
    const start = performance.now();
    const ok = await request(stream);
    const elapsed = performance.now() - start;
    if (!ok) failures++;
    latencies.push(elapsed);
    perKind.set(stream.kind, [...(perKind.get(stream.kind) ?? []), elapsed]);
  }
  const byKind = Object.fromEntries(
    [...perKind].map(([kind, ms]) => [kind, { runs: ms.length, p50Ms: timingOf(ms).p50Ms }]),
  );
  return { ...timingOf(latencies), failures, byKind };
}

/** What the pages do under their HTML: the timeline's queries, a stream read and its fold. */
export function underlyingQueries(database: Database, store: EventStore) {
  const deps = { db: database.db, store };
  return {
    timeline: async (stream: SampledStream) =>
      (await loadTimeline(deps, stream.streamId, 1)) !== null,
    stateAsOfVersion: async (stream: SampledStream) => {
      const replayer = streamKindOf(stream.streamId).replayer;
      const { events } = await store.readStream(stream.streamId);
      if (!replayer) return false;
      stateAsOf(replayer, events, { kind: 'version', version: stream.askVersion });
      return true;
    },
  };
}
