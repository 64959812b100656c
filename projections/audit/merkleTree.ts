import { sql, type Kysely, type Transaction } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';
import type { GlobalPosition } from '../../src/platform/eventStore/eventStore.js';
import {
  packPositions,
  positionBytes,
  positionIn,
} from '../../src/platform/eventStore/globalPosition.js';
import type { LeafProjection } from '../../src/platform/subscriptions/projection.js';
import {
  frontierOf,
  rangeHashes,
  type FrontierHash,
  type Hash,
} from '../../src/platform/transparency/merkle.js';
import {
  appendToTiles,
  hashBytes,
  subtreePlace,
  tileHeight,
  tileWidth,
  widthOf,
  type SubtreePlace,
} from '../../src/platform/transparency/merkleTiles.js';

type Reader = Kysely<Schema> | Transaction<Schema>;

/** The tree's size from its last leaf tile, as SQL: one index probe. */
const sizeOfTree = sql<string>`coalesce((select tile_index * ${tileWidth} + length(hashes) / ${hashBytes}
  from merkle_tiles where level = 0 order by tile_index desc limit 1), 0)`;

/** How many leaves the tree has: the events it has taken in, in commit order. */
export async function treeSize(db: Reader): Promise<number> {
  const { rows } = await sql<{ size: string }>`select ${sizeOfTree}::text as size`.execute(db);
  return Number(rows[0]!.size);
}

/**
 * The tree's size and its open tiles (the last, partial one of each level, as openTiles names
 * them), in one statement: a batch of the projection costs one read and one write.
 */
async function sizeAndOpenTiles(trx: Reader): Promise<{
  size: number;
  hashes: Map<number, Buffer>;
  positions: Buffer;
}> {
  const { rows } = await sql<{
    size: string;
    level: number | null;
    hashes: Buffer | null;
    positions: Buffer | null;
  }>`
    with tree as (select ${sizeOfTree} as size)
    select tree.size::text as size, open.level, open.hashes, open.positions
    from tree left join lateral (
      select m.level, m.hashes, m.positions
      from generate_series(0, ${sql.lit(64 / tileHeight - 1)}) as l
      join merkle_tiles m on m.level = l
        and m.tile_index = (tree.size >> (${sql.lit(tileHeight)} * l)) >> ${sql.lit(tileHeight)}
      where (tree.size >> (${sql.lit(tileHeight)} * l)) & ${sql.lit(tileWidth - 1)} > 0
    ) open on true`.execute(trx);
  const open = rows.filter((row) => row.hashes !== null);
  return {
    size: Number(rows[0]!.size),
    hashes: new Map(open.map((row) => [row.level!, Buffer.from(row.hashes!)])),
    positions: Buffer.from(open.find((row) => row.level === 0)?.positions ?? Buffer.alloc(0)),
  };
}

/**
 * The Merkle tree over every event, in the order the global read gives them (commit order), so
 * leaf i is the i-th event of the log. It reads the log's leaves alone. Each batch reads the
 * tree's size and open tiles, and writes the tiles it fills or extends, with the checkpoint.
 */
export const merkleTreeProjection: LeafProjection = {
  name: 'merkle_tree',
  async applyLeaves(trx, leaves) {
    const open = await sizeAndOpenTiles(trx);
    const tiles = appendToTiles(open.size, open.hashes, leaves.leaves);
    const places = Buffer.concat([open.positions, leaves.positions]);
    const firstLeafTile = Math.floor(open.size / tileWidth);
    await trx
      .insertInto('merkle_tiles')
      .values(
        tiles.map((tile) => {
          const hashes = { hashes: tile.hashes, inner_hashes: tile.inner };
          if (tile.level > 0) return { level: tile.level, tile_index: tile.index, ...hashes };
          const at = (tile.index - firstLeafTile) * tileWidth * positionBytes;
          const positions = places.subarray(at, at + widthOf(tile.hashes) * positionBytes);
          return {
            level: 0,
            tile_index: tile.index,
            ...hashes,
            positions,
            first_tx: positions.readBigUInt64BE(0).toString(),
            first_position: positions.readBigUInt64BE(8).toString(),
          };
        }),
      )
      .onConflict((conflict) =>
        conflict.columns(['level', 'tile_index']).doUpdateSet((eb) => ({
          hashes: eb.ref('excluded.hashes'),
          inner_hashes: eb.ref('excluded.inner_hashes'),
          positions: eb.ref('excluded.positions'),
        })),
      )
      .execute();
  },
  tables: ['merkle_tiles'],
};

/**
 * The stored hashes of these perfect subtrees, by `level/index`; those the tree lacks are absent.
 * Each is a 32-byte slice of its tile, read alone: the tiles are stored uncompressed, so
 * PostgreSQL reads only the chunk that holds it.
 */
async function subtreeHashes(
  db: Reader,
  wanted: ReadonlyMap<string, SubtreePlace>,
): Promise<Map<string, Hash>> {
  if (wanted.size === 0) return new Map();
  const places = [...wanted.values()];
  const { rows } = await sql<{ key: string; hash: Buffer }>`
    select w.key, substring(case when w.above then t.inner_hashes else t.hashes end
      from w.at * ${hashBytes} + 1 for ${hashBytes}) as hash
    from unnest(${[...wanted.keys()]}::text[], ${places.map((p) => p.tileLevel)}::int[],
      ${places.map((p) => String(p.tileIndex))}::bigint[],
      ${places.map((p) => p.column === 'inner')}::bool[], ${places.map((p) => p.at)}::int[],
      ${places.map((p) => p.needs)}::int[]) as w(key, level, tile_index, above, at, needs)
    join merkle_tiles t on t.level = w.level and t.tile_index = w.tile_index
    where length(t.hashes) >= w.needs * ${hashBytes}`.execute(db);
  return new Map(rows.map((row) => [row.key, Buffer.from(row.hash)]));
}

type RangeHashes = ReturnType<typeof rangeHashes>;

/** The view lacks a subtree an answer needs: not taken in yet, rebuilt shorter, or tampered. */
export class MissingSubtreeError extends RangeError {
  override readonly name = 'MissingSubtreeError';
}

/**
 * Answers from the stored tree. Which subtrees the answers need depends on the sizes only, not on
 * the hashes, so `compute` runs once with blank hashes to name them, one query reads them, and it
 * runs again on them: one round trip for a proof, or for a page of proofs, not one per level.
 */
export async function withStoredTree<T>(
  db: Reader,
  compute: (tree: RangeHashes) => Promise<T>,
): Promise<T> {
  const wanted = new Map<string, SubtreePlace>();
  await compute(
    rangeHashes(async (level, index) => {
      wanted.set(`${level}/${index}`, subtreePlace(level, index));
      return placeholder;
    }),
  );
  const hashes = await subtreeHashes(db, wanted);
  return compute(
    rangeHashes(async (level, index) => {
      const hash = hashes.get(`${level}/${index}`);
      if (!hash) throw new MissingSubtreeError(`The tree has no subtree ${level}/${index}`);
      return hash;
    }),
  );
}

/** The stored hashes of the frontier of the first `size` leaves (frontierOf), in one read. */
export async function storedFrontier(db: Reader, size: number): Promise<FrontierHash[]> {
  const places = frontierOf(size);
  const key = ({ level, index }: { level: number; index: number }) => `${level}/${index}`;
  const hashes = await subtreeHashes(
    db,
    new Map(places.map((place) => [key(place), subtreePlace(place.level, place.index)])),
  );
  return places.map((place) => {
    const hash = hashes.get(key(place));
    if (!hash) throw new MissingSubtreeError(`The tree has no subtree ${key(place)}`);
    return { level: place.level, hash };
  });
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

const placeholder: Hash = Buffer.alloc(hashBytes);

/**
 * The stored tree's `count` leaf hashes from leaf `first`, packed; null when they are not all
 * there, one after the other.
 */
export async function storedLeaves(
  db: Reader,
  first: number,
  count: number,
): Promise<Buffer | null> {
  if (count <= 0) return Buffer.alloc(0);
  const from = Math.floor(first / tileWidth);
  const to = Math.floor((first + count - 1) / tileWidth);
  const rows = await db
    .selectFrom('merkle_tiles')
    .select(['tile_index', 'hashes'])
    .where('level', '=', 0)
    .where('tile_index', '>=', String(from))
    .where('tile_index', '<=', String(to))
    .orderBy('tile_index')
    .execute();
  // Every tile of the range, each full but the last: the leaves are one run from tile `from`.
  const whole = rows.every(
    (row, i) =>
      Number(row.tile_index) === from + i &&
      (i === rows.length - 1 || widthOf(row.hashes) === tileWidth),
  );
  if (!whole || rows.length !== to - from + 1) return null;
  const run = Buffer.concat(rows.map((row) => row.hashes));
  const at = (first - from * tileWidth) * hashBytes;
  return run.length >= at + count * hashBytes ? run.subarray(at, at + count * hashBytes) : null;
}

/** The leaf hash stored for a leaf, or null past the tree's end. */
export const leafHashAt = (db: Reader, index: number): Promise<Hash | null> =>
  storedLeaves(db, index, 1);

/** The place in the log of leaf `index`, or null where the tree has no such leaf. */
export async function placeOfLeaf(db: Reader, index: number): Promise<GlobalPosition | null> {
  const tile = await db
    .selectFrom('merkle_tiles')
    .select('positions')
    .where('level', '=', 0)
    .where('tile_index', '=', String(Math.floor(index / tileWidth)))
    .executeTakeFirst();
  const at = index % tileWidth;
  const places = tile?.positions;
  return places && places.length >= (at + 1) * positionBytes ? positionIn(places, at) : null;
}

/**
 * The leaf each of these places in the log is, or null for a place the tree has not taken in (or
 * never held): the leaf tile it falls in, found by its first place, then the place among the
 * tile's own (kept sorted, as the log is), in one query for them all.
 */
export async function leavesAt(
  db: Reader,
  positions: readonly GlobalPosition[],
): Promise<(number | null)[]> {
  if (positions.length === 0) return [];
  const { rows } = await sql<{ tile_index: string; positions: Buffer }>`
    select distinct tiles.tile_index::text as tile_index, tiles.positions
    from unnest(${positions.map((p) => p.commit.toString())}::text[],
      ${positions.map((p) => p.prepare.toString())}::bigint[]) as p(tx_id, position)
    join lateral (
      select t.tile_index, t.positions from merkle_tiles t
      where t.level = 0 and (t.first_tx, t.first_position) <= (p.tx_id::xid8, p.position)
      order by t.first_tx desc, t.first_position desc limit 1) tiles on true`.execute(db);
  const tiles = rows
    .map((row) => ({ index: Number(row.tile_index), places: Buffer.from(row.positions) }))
    .sort((a, b) => a.index - b.index);
  const packed = packPositions(positions);
  return positions.map((_, i) => {
    const place = packed.subarray(i * positionBytes, (i + 1) * positionBytes);
    const atOrBefore = (places: Buffer, j: number) =>
      places.compare(place, 0, positionBytes, j * positionBytes, (j + 1) * positionBytes) <= 0;
    const tile = lastWhere(tiles.length, (t) => atOrBefore(tiles[t]!.places, 0));
    if (tile === null) return null;
    const { index, places } = tiles[tile]!;
    const found = lastWhere(places.length / positionBytes, (j) => atOrBefore(places, j));
    if (found === null) return null;
    const at = found * positionBytes;
    return places.subarray(at, at + positionBytes).equals(place) ? index * tileWidth + found : null;
  });
}

/** The last of `count` entries for which `holds` (true up to some entry, false after), or null. */
function lastWhere(count: number, holds: (i: number) => boolean): number | null {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(middle)) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? null : low - 1;
}
