import { sql, type Kysely, type Transaction } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
import {
  appendLeaves,
  leafHash,
  rangeHashes,
  type Hash,
  type TreeNode,
} from '../../src/platform/transparency/merkle.js';

type Reader = Kysely<Schema> | Transaction<Schema>;

/** How many leaves the tree has: the events it has taken in, in commit order. */
export async function treeSize(db: Reader): Promise<number> {
  const row = await db
    .selectFrom('merkle_nodes')
    .select((eb) => eb.fn.max('node_index').as('last'))
    .where('level', '=', 0)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** The stored subtrees asked for, by `level/index`; those not stored are absent. */
export async function nodesAt(
  db: Reader,
  wanted: readonly { level: number; index: number }[],
): Promise<Map<string, Hash>> {
  if (wanted.length === 0) return new Map();
  const { rows } = await sql<{ level: number; node_index: string; hash: Buffer }>`
    select nodes.level, nodes.node_index::text as node_index, nodes.hash
    from unnest(${wanted.map((node) => node.level)}::int[],
      ${wanted.map((node) => String(node.index))}::bigint[]) as w(level, node_index)
    join merkle_nodes nodes on nodes.level = w.level and nodes.node_index = w.node_index`.execute(
    db,
  );
  return new Map(rows.map((row) => [`${row.level}/${row.node_index}`, Buffer.from(row.hash)]));
}

/**
 * The tree's size and its frontier (the perfect subtree waiting at each set bit of the size), in
 * one statement: a batch of the projection costs one read and one write.
 */
async function sizeAndFrontier(trx: Reader): Promise<{ size: number; frontier: TreeNode[] }> {
  const { rows } = await sql<{
    size: string;
    level: number | null;
    node_index: string | null;
    hash: Buffer | null;
  }>`
    with tree as (
      select coalesce(max(node_index) + 1, 0) as size from merkle_nodes where level = 0)
    select tree.size::text as size, waiting.level, waiting.node_index::text as node_index,
           waiting.hash
    from tree left join lateral (
      select m.level, m.node_index, m.hash
      from generate_series(0, 62) as bit
      join merkle_nodes m on m.level = bit and m.node_index = (tree.size >> bit) - 1
      where (tree.size >> bit) & 1 = 1) waiting on true`.execute(trx);
  return {
    size: Number(rows[0]!.size),
    frontier: rows.flatMap((row) =>
      row.hash === null
        ? []
        : [{ level: row.level!, index: Number(row.node_index), hash: Buffer.from(row.hash) }],
    ),
  };
}

/**
 * The Merkle tree over every event, in the order the global read gives them (commit order), so
 * leaf i is the i-th event of the log. Each batch reads the tree's size and frontier (one row
 * per bit of its size) and writes its leaves and the nodes they complete, with the checkpoint.
 */
export const merkleTreeProjection: Projection = {
  name: 'merkle_tree',
  async apply(trx, events) {
    if (events.length === 0) return;
    const { size, frontier } = await sizeAndFrontier(trx);
    const leaves = events.map((event) => leafHash(Buffer.from(event.hash, 'hex')));
    const nodes = appendLeaves(size, frontier, leaves);
    await trx
      .with('nodes', (db) =>
        db
          .insertInto('merkle_nodes')
          .values(
            nodes.map((node) => ({ level: node.level, node_index: node.index, hash: node.hash })),
          ),
      )
      .insertInto('merkle_leaves')
      .values(
        events.map((event, i) => ({ event_id: event.metadata.eventId, leaf_index: size + i })),
      )
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('merkle_leaves').execute();
    await trx.deleteFrom('merkle_nodes').execute();
  },
};

type RangeHashes = ReturnType<typeof rangeHashes>;

/** The view lacks a subtree an answer needs: not taken in yet, rebuilt shorter, or tampered. */
export class MissingSubtreeError extends RangeError {
  override readonly name = 'MissingSubtreeError';
}

/**
 * Answers from the stored tree, where each perfect subtree is one indexed row. Which subtrees
 * the answers need depends on the sizes only, not on the hashes, so `compute` runs once with
 * blank hashes to name them, one query reads them all, and it runs again on them: one round
 * trip for a proof, or for a page of proofs, not one per level.
 */
export async function withStoredTree<T>(
  db: Reader,
  compute: (tree: RangeHashes) => Promise<T>,
): Promise<T> {
  const wanted = new Map<string, { level: number; index: number }>();
  await compute(
    rangeHashes(async (level, index) => {
      wanted.set(`${level}/${index}`, { level, index });
      return placeholder;
    }),
  );
  const found = await nodesAt(db, [...wanted.values()]);
  return compute(
    rangeHashes(async (level, index) => {
      const hash = found.get(`${level}/${index}`);
      if (!hash) throw new MissingSubtreeError(`The tree has no subtree ${level}/${index}`);
      return hash;
    }),
  );
}

/** Roots and proofs of the stored tree, each in one read. */
export function storedTree(db: Reader) {
  return {
    root: (size: number) => withStoredTree(db, (tree) => tree.root(size)),
    inclusionProof: (leaf: number, size: number) =>
      withStoredTree(db, (tree) => tree.inclusionProof(leaf, size)),
    consistencyProof: (from: number, to: number) =>
      withStoredTree(db, (tree) => tree.consistencyProof(from, to)),
  };
}

const placeholder: Hash = Buffer.alloc(32);

/**
 * The leaf an event is, or null for an event the tree has not taken in (yet). An id found twice
 * (KurrentDB does not keep ids unique across streams) is its first leaf.
 */
export async function leafOfEvent(db: Reader, eventId: string): Promise<number | null> {
  const row = await db
    .selectFrom('merkle_leaves')
    .select('leaf_index')
    .where('event_id', '=', eventId)
    .orderBy('leaf_index')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.leaf_index) : null;
}

/** The leaf hash stored for a leaf, or null past the tree's end. */
export async function leafHashAt(db: Reader, index: number): Promise<Hash | null> {
  return (await nodesAt(db, [{ level: 0, index }])).get(`0/${index}`) ?? null;
}
