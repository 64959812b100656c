import { describe, expect, it } from 'vitest';
import { growingTree, leafHash, rangeHashes } from '../../../src/platform/transparency/merkle.js';
import {
  appendToTiles,
  hashIn,
  leafHashes,
  openTiles,
  subtreePlace,
  tileWidth,
  type Tile,
} from '../../../src/platform/transparency/merkleTiles.js';
import { memoryTree } from '../../support/memoryTree.js';

const entry = (i: number) => Buffer.from(`${String(i).padStart(8, '0')}`.repeat(4));

/** Tiles kept as the projection keeps them: by `level/index`, an open one rewritten whole. */
function tiledTree() {
  const tiles = new Map<string, Tile>();
  let size = 0;
  return {
    get size() {
      return size;
    },
    append(entries: readonly Buffer[]) {
      const open = new Map(
        openTiles(size).map((tile) => [
          tile.level,
          tiles.get(`${tile.level}/${tile.index}`)!.hashes,
        ]),
      );
      for (const tile of appendToTiles(size, open, leafHashes(Buffer.concat(entries))))
        tiles.set(`${tile.level}/${tile.index}`, tile);
      size += entries.length;
    },
    /** Read as withStoredTree reads the stored tiles. */
    read: rangeHashes(async (level, index) => {
      const place = subtreePlace(level, index);
      const tile = tiles.get(`${place.tileLevel}/${place.tileIndex}`);
      const hash = tile && hashIn(tile, place);
      if (!hash) throw new RangeError(`no ${level}/${index}`);
      return hash;
    }),
  };
}

describe('the tree kept as tiles of 256 hashes', () => {
  it('gives the roots and proofs of the tree of every leaf, whatever the batches', async () => {
    const entries = Array.from({ length: 1_300 }, (_, i) => entry(i));
    const leaves = entries.map(leafHash);
    const tiled = tiledTree();
    const grown = growingTree();
    const roots: Buffer[] = [];
    for (const batch of [1, 254, 1, 1, 300, 7, 512, 224]) {
      const next = entries.slice(tiled.size, tiled.size + batch);
      tiled.append(next);
      for (const each of next) {
        grown.add(leafHash(each));
        roots.push(grown.root());
      }
    }
    expect(tiled.size).toBe(entries.length);
    const reference = memoryTree(leaves);
    for (const size of [1, 2, 255, 256, 257, 511, 512, 513, 768, 1_024, 1_299, 1_300])
      expect((await tiled.read.root(size)).equals(roots[size - 1]!), `root ${size}`).toBe(true);
    for (const [leaf, size] of [
      [0, 1_300],
      [255, 256],
      [256, 1_300],
      [1_299, 1_300],
      [700, 1_025],
    ] as const)
      expect(await tiled.read.inclusionProof(leaf, size)).toEqual(
        await reference.inclusionProof(leaf, size),
      );
    for (const [first, second] of [
      [1, 1_300],
      [256, 257],
      [255, 1_024],
      [513, 1_300],
    ] as const)
      expect(await tiled.read.consistencyProof(first, second)).toEqual(
        await reference.consistencyProof(first, second),
      );
  });

  it('reaches the third level of tiles past 65,536 leaves, with one open tile a level', async () => {
    const count = tileWidth ** 2 + 3 * tileWidth + 5;
    const tiled = tiledTree();
    const grown = growingTree();
    for (let from = 0; from < count; from += 5_000) {
      const next = Array.from({ length: Math.min(5_000, count - from) }, (_, i) => entry(from + i));
      tiled.append(next);
      for (const each of next) grown.add(leafHash(each));
    }
    expect((await tiled.read.root(count)).equals(grown.root())).toBe(true);
    expect(openTiles(count)).toEqual([
      { level: 0, index: 259, width: 5 },
      { level: 1, index: 1, width: 3 },
      { level: 2, index: 0, width: 1 },
    ]);
  });

  it('refuses to extend an open tile that does not match the size', () => {
    const leaves = leafHashes(Buffer.concat([entry(1), entry(2)]));
    expect(() => appendToTiles(3, new Map([[0, leaves]]), leaves)).toThrow(/not as its size says/);
    expect(() => appendToTiles(2, new Map(), leaves)).toThrow(/not as its size says/);
  });
});
