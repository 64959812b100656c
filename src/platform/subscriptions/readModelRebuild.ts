import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import { comparePositions, startOfLog } from '../eventStore/globalPosition.js';
import { logLeaves } from '../eventStore/logLinks.js';
import { lockCheckpointRows, saveCheckpoints } from './checkpoints.js';
import { readAhead } from './readAhead.js';
import { isLeafProjection, type LeafProjection, type Projection } from './projection.js';
import {
  analyzeShadowTables,
  createShadowTables,
  dropShadowTables,
  swapInShadowTables,
  writeToShadow,
  type ShadowTables,
} from './shadowTables.js';
import { LogBatch } from './storableText.js';

/** A rebuild not swapped in: a reactor changed what it had read (Projection.writesInto). */
export class RebuildOvertakenError extends Error {}

/** One read of the log, ready to apply to the rebuild's tables. */
interface Read {
  readonly count: number;
  /** Where the next read starts: the last event's position, or where this one did when empty. */
  readonly last: GlobalPosition;
  apply(shadow: Shadow): Promise<void>;
}

/** Runs `work` in a transaction that writes to the rebuild's tables. */
type Shadow = (work: (trx: Transaction<Schema>) => Promise<void>) => Promise<void>;

/**
 * Transactions a batch of events is applied in at once, each taking the next projection left,
 * the costliest first: PostgreSQL then writes one read model's rows while Node folds another's.
 */
const lanes = 3;

/** Where a feed's replay got, and how many events it took in. */
interface Reached {
  readonly position: GlobalPosition;
  readonly events: number;
}

/** What a rebuild reads, for which subscribers. */
interface Feed {
  readonly names: readonly string[];
  read(after: GlobalPosition): Promise<Read>;
}

/**
 * Rebuilds read models from the start of the log, beside the live ones, which pages and the live
 * subscribers go on using meanwhile. The log is read once, in large batches, the next one read
 * while this one is applied: every projection of events takes each batch in one transaction (set
 * by set, as they apply anyway); a projection of the log's leaves (the Merkle tree) reads the
 * light leaves instead, at the same time. Once the whole log is in, the new tables replace the old
 * ones in one transaction, which moves the checkpoints to where the rebuild got: the live
 * subscribers' next batch finds its checkpoint moved and goes on from there (compare-and-set).
 * Returns the number of events replayed; `onProgress` hears it as it grows.
 */
export async function rebuildReadModels(
  deps: { readonly db: Kysely<Schema>; readonly store: EventStore },
  subscribers: readonly (Projection | LeafProjection)[],
  options: {
    readonly onProgress?: (events: number) => void;
    /** Reactors that write into these tables (Projection.writesInto). */
    readonly writers?: readonly Projection[];
    /** Stops it at the next batch (its process closing, its job taken over): nothing swapped. */
    readonly signal?: AbortSignal;
  } = {},
): Promise<number> {
  const { db, store } = deps;
  const { onProgress, writers = [], signal } = options;
  const projections = subscribers.filter((each): each is Projection => !isLeafProjection(each));
  // An event one of them follows, appended once the rebuild has begun, changes rows the rebuild
  // may have read before: then the new tables are not swapped in. (One the rebuild's last read
  // does not see, appended after it or held back behind an older transaction, is not seen.)
  const began = (await store.headPosition()) ?? startOfLog;
  const overtaken = { by: null as RecordedEvent | null };
  const watch = (events: readonly RecordedEvent[]) => {
    overtaken.by ??=
      events.find(
        (event) =>
          comparePositions(event.position, began) > 0 &&
          writers.some((writer) => writer.follows?.(event) ?? true),
      ) ?? null;
  };
  const feeds = [
    ...(projections.length > 0 ? [eventsFeed(store, projections, watch)] : []),
    ...subscribers.filter(isLeafProjection).map((leaf) => leavesFeed(store, leaf)),
  ];
  const tables = subscribers.flatMap((subscriber) => subscriber.tables);
  const shadow = await createShadowTables(db, tables);
  // A feed that fails stops the others at their next batch, before the tables are dropped.
  const failed = new AbortController();
  const stop = () => failed.abort(signal!.reason);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop);
  try {
    // The slowest feed says how far the rebuild is.
    const counts = feeds.map(() => 0);
    const outcomes = await Promise.allSettled(
      feeds.map((feed, n) =>
        replay(db, shadow, feed, failed.signal, (events) => {
          counts[n] = events;
          onProgress?.(Math.min(...counts));
        }).catch((error: unknown) => {
          failed.abort(error);
          throw error;
        }),
      ),
    );
    if (failed.signal.aborted) throw failed.signal.reason;
    if (overtaken.by)
      throw new RebuildOvertakenError(
        `${overtaken.by.type} di ${overtaken.by.streamId}, registrato durante la ricostruzione, ` +
          'cambia righe che la ricostruzione aveva già letto: le nuove tabelle non sono state ' +
          'sostituite. Ripetere la ricostruzione.',
      );
    const reached = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Reached>).value);
    await analyzeShadowTables(db, shadow, tables);
    await db.transaction().execute(async (trx) => {
      await lockCheckpointRows(
        trx,
        feeds.flatMap((feed) => feed.names),
      );
      await swapInShadowTables(trx, shadow, tables);
      for (const [n, feed] of feeds.entries())
        await saveCheckpoints(trx, feed.names, reached[n]!.position);
    });
    return reached[0]?.events ?? 0;
  } catch (error) {
    // Left behind if the database is out of reach too: the next rebuild drops it first.
    await dropShadowTables(db, shadow).catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** Every batch of `feed` into the shadow tables, each in a transaction; where it got, and how many. */
async function replay(
  db: Kysely<Schema>,
  shadow: ShadowTables,
  feed: Feed,
  failed: AbortSignal,
  onProgress: (events: number) => void,
): Promise<Reached> {
  let position = startOfLog;
  let events = 0;
  for await (const batch of readAhead((after) => feed.read(after), startOfLog)) {
    failed.throwIfAborted();
    await batch.apply((work) =>
      db.transaction().execute(async (trx) => {
        await writeToShadow(trx, shadow);
        await work(trx);
      }),
    );
    position = batch.last;
    events += batch.count;
    onProgress(events);
  }
  return { position, events };
}

/** The events, 5,000 at a time, each batch given to every projection. */
function eventsFeed(
  store: EventStore,
  projections: readonly Projection[],
  watch: (events: readonly RecordedEvent[]) => void,
): Feed {
  /** What each projection's last batch took, in ms: the order the lanes take them in. */
  const cost = new Map(projections.map((projection) => [projection, 0]));
  return {
    names: projections.map((projection) => projection.name),
    async read(after) {
      const events = await store.readAll({ after, limit: 5_000 });
      watch(events);
      const batch = new LogBatch(events);
      return {
        count: events.length,
        last: events.at(-1)?.position ?? after,
        async apply(shadow) {
          const left = [...projections].sort((a, b) => cost.get(b)! - cost.get(a)!);
          const lane = () =>
            shadow(async (trx) => {
              for (let next = left.shift(); next; next = left.shift()) {
                const started = performance.now();
                await next.apply(trx, batch.for(next));
                cost.set(next, performance.now() - started);
              }
            });
          await Promise.all(Array.from({ length: lanes }, lane));
        },
      };
    },
  };
}

/** The log's leaves alone, 48 bytes an event, so 20,000 at a time. */
function leavesFeed(store: EventStore, leaf: LeafProjection): Feed {
  return {
    names: [leaf.name],
    async read(after) {
      const leaves = await logLeaves(store, after, 20_000);
      return leaves
        ? {
            count: leaves.count,
            last: leaves.last,
            apply: (shadow) => shadow((trx) => leaf.applyLeaves(trx, leaves)),
          }
        : { count: 0, last: after, apply: async () => undefined };
    },
  };
}
