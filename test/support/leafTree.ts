import type { Kysely } from 'kysely';
import { merkleTreeProjection, storedTree, treeSize } from '../../projections/audit/merkleTree.js';
import type { Schema } from '../../src/platform/db/schema.js';
import type { LogLeaves } from '../../src/platform/eventStore/chainReader.js';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
} from '../../src/platform/eventStore/eventStore.js';
import { positionIn } from '../../src/platform/eventStore/globalPosition.js';
import type { LeafProjection } from '../../src/platform/subscriptions/projection.js';
import { growingTree, leafHash, type Hash } from '../../src/platform/transparency/merkle.js';

/** Every event of the log, in readAll's order: what leaf i of the tree must be. */
export async function wholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after: GlobalPosition | null = null; ;) {
    const batch = await store.readAll({ after, limit: 500 });
    if (batch.length === 0) return events;
    events.push(...batch);
    after = batch.at(-1)!.position;
  }
}

/** The root of the first `size` events' tree, computed in memory from their chain hashes. */
export function referenceRoot(events: readonly RecordedEvent[], size = events.length): Hash {
  const tree = growingTree();
  for (const event of events.slice(0, size)) tree.add(leafHash(Buffer.from(event.hash, 'hex')));
  return tree.root();
}

/** The stored tree: how many leaves it holds and the root over them, hex. */
export async function storedRoot(db: Kysely<Schema>): Promise<{ size: number; root: string }> {
  const size = await treeSize(db);
  return { size, root: (await storedTree(db).root(size)).toString('hex') };
}

/** Every stored tile, as text: two trees compared byte for byte, leaves' places included. */
export async function storedTiles(db: Kysely<Schema>): Promise<string[]> {
  const rows = await db
    .selectFrom('merkle_tiles')
    .selectAll()
    .orderBy('level')
    .orderBy('tile_index')
    .execute();
  return rows.map((row) =>
    [
      row.level,
      row.tile_index,
      row.hashes.toString('hex'),
      row.positions?.toString('hex'),
      row.first_tx,
      row.first_position,
    ].join(' '),
  );
}

/** Whether a batch of leaves holds the event at `position`. */
export function holds(leaves: LogLeaves, position: GlobalPosition): boolean {
  for (let i = 0; i < leaves.count; i++) {
    const place = positionIn(leaves.positions, i);
    if (place.commit === position.commit && place.prepare === position.prepare) return true;
  }
  return false;
}

/**
 * The tree's projection with a fault injected: when `fails` says so of a batch, the batch's tiles
 * are written first and then it throws, so what a failed batch leaves behind shows.
 */
export function faultyTree(fails: (leaves: LogLeaves) => boolean): LeafProjection {
  return {
    name: merkleTreeProjection.name,
    async applyLeaves(trx, leaves) {
      await merkleTreeProjection.applyLeaves(trx, leaves);
      if (fails(leaves)) throw new Error('the tree cannot take this batch in');
    },
    tables: merkleTreeProjection.tables,
  };
}
