import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { EventStore, GlobalPosition } from '../eventStore/eventStore.js';
import { startOfLog } from '../eventStore/globalPosition.js';
import { logLeaves } from '../eventStore/logLinks.js';
import { lockCheckpointRows, saveCheckpoints } from './checkpoints.js';
import { isLeafProjection, type LeafProjection, type Projection } from './projection.js';
import {
  analyzeShadowTables,
  createShadowTables,
  dropShadowTables,
  swapInShadowTables,
  writeToShadow,
  type LiveSchema,
} from './shadowTables.js';
import { LogBatch } from './storableText.js';

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
  onProgress?: (events: number) => void,
): Promise<number> {
  const { db, store } = deps;
  const projections = subscribers.filter((each): each is Projection => !isLeafProjection(each));
  const feeds = [
    ...(projections.length > 0 ? [eventsFeed(store, projections)] : []),
    ...subscribers.filter(isLeafProjection).map((leaf) => leavesFeed(store, leaf)),
  ];
  const tables = subscribers.flatMap((subscriber) => subscriber.tables);
  const live = await createShadowTables(db, tables);
  try {
    // The slowest feed says how far the rebuild is.
    const counts = feeds.map(() => 0);
    const reached = await Promise.all(
      feeds.map((feed, n) =>
        replay(db, live, feed, (events) => {
          counts[n] = events;
          onProgress?.(Math.min(...counts));
        }),
      ),
    );
    await analyzeShadowTables(db, tables);
    await db.transaction().execute(async (trx) => {
      await lockCheckpointRows(
        trx,
        feeds.flatMap((feed) => feed.names),
      );
      await swapInShadowTables(trx, live, tables);
      for (const [n, feed] of feeds.entries())
        await saveCheckpoints(trx, feed.names, reached[n]!.position);
    });
    return reached[0]?.events ?? 0;
  } catch (error) {
    await dropShadowTables(db).catch(() => undefined);
    throw error;
  }
}

/** Every batch of `feed` into the shadow tables, each in a transaction; where it got, and how many. */
async function replay(
  db: Kysely<Schema>,
  live: LiveSchema,
  feed: Feed,
  onProgress: (events: number) => void,
): Promise<{ position: GlobalPosition; events: number }> {
  let position = startOfLog;
  let events = 0;
  let next = feed.read(position);
  for (;;) {
    const batch = await next;
    if (batch.count === 0) return { position, events };
    next = feed.read(batch.last);
    next.catch(() => undefined); // awaited on the next turn; marked handled if apply throws first
    await batch.apply((work) =>
      db.transaction().execute(async (trx) => {
        await writeToShadow(trx, live);
        await work(trx);
      }),
    );
    position = batch.last;
    events += batch.count;
    onProgress(events);
  }
}

/** The events, 5,000 at a time, each batch given to every projection. */
function eventsFeed(store: EventStore, projections: readonly Projection[]): Feed {
  /** What each projection's last batch took, in ms: the order the lanes take them in. */
  const cost = new Map(projections.map((projection) => [projection, 0]));
  return {
    names: projections.map((projection) => projection.name),
    async read(after) {
      const events = await store.readAll({ after, limit: 5_000 });
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
