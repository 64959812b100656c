import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { merkleTreeProjection, storedTree, treeSize } from '../../projections/audit/merkleTree.js';
import type { Schema } from '../../src/platform/db/schema.js';
import type { EventStore, GlobalPosition } from '../../src/platform/eventStore/eventStore.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import { growingTree, leafHash } from '../../src/platform/transparency/merkle.js';

/** Where the tree stood when the writers stopped. */
export interface TreeLag {
  /** Events in the log that the tree had not taken in yet. */
  readonly behind: number;
  /** From the writers' end until the tree held every event; null if it had not after the wait. */
  readonly catchUpSeconds: number | null;
}

export interface MaintainedTree {
  /** Starts the runner and waits, untimed, until the tree holds the log appended so far. */
  start(): Promise<void>;
  /** Right after the writers: how far behind the tree is, then the wait for it; stops the runner. */
  finish(): Promise<TreeLag>;
}

const catchUpTimeoutMs = 120_000;

/**
 * The merkle_tree projection kept up to date while the writers append, as the portal keeps it: the
 * production ProjectionRunner, in this process, on the same pool and event store (so it is woken
 * by every local append, and polls as well).
 */
export function maintainedTree(db: Kysely<Schema>, store: EventStore): MaintainedTree {
  let runner: ProjectionRunner | null = null;
  return {
    async start() {
      runner = new ProjectionRunner({
        db,
        store,
        projections: [merkleTreeProjection],
        logger: pino({ level: 'silent' }),
      });
      await runner.start();
      if (!(await runner.waitFor(await lastPosition(db), catchUpTimeoutMs, { background: true })))
        throw new Error('merkle_tree did not catch up with the log before the run');
    },
    async finish() {
      if (!runner) throw new Error('finish() before start()');
      const ended = performance.now();
      const [behind, last] = await Promise.all([eventsBehind(db), lastPosition(db)]);
      const caughtUp = await runner.waitFor(last, catchUpTimeoutMs, { background: true });
      const catchUpSeconds = caughtUp ? (performance.now() - ended) / 1000 : null;
      await runner.stop();
      runner = null;
      return { behind, catchUpSeconds };
    },
  };
}

/** In one statement, so both counts come from the same snapshot. */
async function eventsBehind(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ behind: string }>`
    select (select count(*) from events)
         - (select coalesce(max(tile_index * 256 + length(hashes) / 32), 0) from merkle_tiles
            where level = 0) as behind
  `.execute(db);
  return Number(rows[0]?.behind ?? 0);
}

/** The last event committed, whatever transactions are still open elsewhere on the server. */
async function lastPosition(db: Kysely<Schema>): Promise<GlobalPosition | null> {
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text as tx_id, position::text as position from events
    order by tx_id desc, position desc limit 1`.execute(db);
  const row = rows[0];
  return row ? { commit: BigInt(row.tx_id), prepare: BigInt(row.position) } : null;
}

/** The stored tree against one grown from the log itself: the same size, the same root. */
export interface TreeCheck {
  readonly leaves: number;
  readonly rootMatches: boolean;
}

export async function checkStoredTree(db: Kysely<Schema>, store: EventStore): Promise<TreeCheck> {
  const leaves = await treeSize(db);
  const grown = growingTree();
  let after: GlobalPosition | null = null;
  while (grown.size < leaves) {
    const batch = await store.readAll({ after, limit: Math.min(5_000, leaves - grown.size) });
    if (batch.length === 0) break;
    for (const event of batch) grown.add(leafHash(Buffer.from(event.hash, 'hex')));
    after = batch.at(-1)!.position;
  }
  const stored = await storedTree(db).root(leaves);
  return { leaves, rootMatches: grown.size === leaves && stored.equals(grown.root()) };
}
