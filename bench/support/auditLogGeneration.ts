import { pugliaMunicipalities } from '../../domain/observatory/reference/municipalities.js';
import { testTagKey } from '../../test/support/testApp.js';
import type { Database } from '../../src/platform/db/database.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import type { MonthAppend } from './auditLogTimeline.js';
import { calendar, monthsOf, World } from './auditLogWorld.js';

export interface GenerationOptions {
  /** Exactly this many events are written; the calendar's last months are cut short if need be. */
  readonly events: number;
  readonly seed: number;
  /** Concurrent appenders, each with its own store (and so its own recordedAt clock). */
  readonly writers: number;
  readonly log: (line: string) => void;
}

export interface GenerationFigures {
  readonly events: number;
  readonly appends: number;
  readonly streams: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly appendsPerSecond: number;
  readonly writers: number;
  readonly seed: number;
  readonly scale: number;
  /** First and last month written (the last may be cut short). */
  readonly months: { readonly first: string; readonly last: string };
  /** Events planned for a month already written, moved to the next (a generator bug if > 0). */
  readonly clamped: number;
  /** Events per kind of stream (see streamKind). */
  readonly byKind: Readonly<Record<string, number>>;
}

/** What a stream holds, from its id: `contract-4000001230` → `contract`. */
export function streamKind(streamId: string): string {
  const match =
    /^(waste-flow|protocol-register|registry-imports|observatory-admins|digital-identity|[a-z]+)/.exec(
      streamId,
    );
  return match?.[1] ?? streamId;
}

/** Events per append at most: a register's January is split in appends of this size. */
const maxEventsPerAppend = 500;

/**
 * The world's months, appended through the real PostgreSQL event store (hash chain, metadata and
 * recordedAt as production writes them). Without a database it only counts (a dry run).
 */
export async function generateAuditLog(
  database: Database | null,
  options: GenerationOptions,
): Promise<GenerationFigures> {
  const scale = options.events / 1_000_000;
  const world = new World({ seed: options.seed, scale, municipalities: municipalitiesFor(scale) });
  const writer = database ? monthWriter(database, options.writers) : null;
  const started = performance.now();
  let [events, appends, lastReport, last]: [number, number, number, string] = [
    0,
    0,
    started,
    calendar.first,
  ];
  const byKind: Record<string, number> = {};
  const streams = new Set<string>();
  const months = monthsOf(calendar.first, calendar.end);
  let pending = world.month(months[0]!);
  for (let i = 0; i < months.length && events < options.events; i++) {
    const batch = truncate(pending, options.events - events);
    const writing = writer ? writer.write(batch) : Promise.resolve();
    // The next month is planned while this one's appends are in flight.
    pending = months[i + 1] ? world.month(months[i + 1]!) : [];
    await writing;
    for (const append of batch) {
      const kind = streamKind(append.streamId);
      byKind[kind] = (byKind[kind] ?? 0) + append.events.length;
      events += append.events.length;
      streams.add(append.streamId);
    }
    appends += batch.length;
    last = months[i]!;
    if (performance.now() - lastReport > 10_000 || events >= options.events) {
      lastReport = performance.now();
      const rate = events / ((lastReport - started) / 1000);
      options.log(
        `generated ${events.toLocaleString('en-US')} events up to ${last}, ${Math.round(rate)} events/s`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events,
    appends,
    streams: streams.size,
    seconds,
    eventsPerSecond: events / seconds,
    appendsPerSecond: appends / seconds,
    writers: options.writers,
    seed: options.seed,
    scale,
    months: { first: calendar.first, last },
    clamped: world.timeline.clamped,
    byKind,
  };
}

/** All 257 municipalities of Puglia at full scale; proportionally fewer for a smaller log. */
function municipalitiesFor(scale: number) {
  const count = Math.max(
    2,
    Math.min(pugliaMunicipalities.length, Math.round(pugliaMunicipalities.length * scale)),
  );
  const step = pugliaMunicipalities.length / count;
  return Array.from({ length: count }, (_, i) => pugliaMunicipalities[Math.floor(i * step)]!);
}

/** The first `budget` events of the month, the last stream keeping a prefix of its own. */
function truncate(batch: MonthAppend[], budget: number): MonthAppend[] {
  const kept: MonthAppend[] = [];
  for (const append of batch) {
    if (budget <= 0) break;
    const events = append.events.slice(0, budget);
    kept.push({ ...append, events });
    budget -= events.length;
  }
  return kept;
}

/**
 * `writers` appenders taking appends from one queue, through one store so that their appends
 * share transactions (appendBatcher). The store reads its clock as an append starts, before any
 * await: each writer sets it just before its call. Each stream's version is tracked here.
 */
function monthWriter(database: Database, writers: number) {
  const versions = new Map<string, number>();
  let now = 0;
  const store = createPostgresEventStore(database, {
    now: () => new Date(now),
    tagKey: testTagKey,
  });
  return {
    async write(batch: readonly MonthAppend[]): Promise<void> {
      let next = 0;
      const work = async () => {
        for (let i = next++; i < batch.length; i = next++) {
          const { streamId, events, lastAt } = batch[i]!;
          for (let from = 0; from < events.length; from += maxEventsPerAppend) {
            const chunk = events.slice(from, from + maxEventsPerAppend);
            const expectedVersion = versions.get(streamId) ?? 0;
            // Recorded just after the stream's last event of the month: one append per stream and month.
            now = lastAt + 150;
            const result = await store.appendToStream(streamId, chunk, { expectedVersion });
            versions.set(streamId, result.nextExpectedVersion);
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, work));
    },
  };
}
