import { hash } from 'node:crypto';
import type { Hash } from './merkle.js';

/*
 * The tree stored as tiles, after the tiles of Go's checksum database (golang.org/x/mod/sumdb/tlog)
 * and C2SP tlog-tiles: a tile of level L holds up to 256 consecutive hashes of tree level 8L,
 * packed 32 bytes each, and beside them the seven levels above them inside the tile (254 hashes
 * at most), so that any perfect subtree is one stored hash: a proof reads a hash per subtree and
 * computes none. A million leaves are some 4,000 tiles, not two million nodes, and an append
 * rewrites only the last, partial tile of each level it reaches.
 */

export const tileHeight = 8;
export const tileWidth = 2 ** tileHeight;
export const hashBytes = 32;

/** Up to 256 consecutive hashes of tree level 8 × `level`, the first at 256 × `index`. */
export interface Tile {
  readonly level: number;
  readonly index: number;
  readonly hashes: Buffer;
  /** The levels above `hashes` inside the tile, as `innerLevels` lays them out. */
  readonly inner: Buffer;
}

/** How many hashes a packed run holds. */
export const widthOf = (hashes: Buffer): number => hashes.length / hashBytes;

/** RFC 9162 leaf hashes of packed entries (the events' chain hashes), packed. */
export function leafHashes(entries: Buffer): Buffer {
  const out = Buffer.allocUnsafe(entries.length);
  const input = Buffer.allocUnsafe(1 + hashBytes);
  input[0] = 0;
  for (let at = 0; at < entries.length; at += hashBytes) {
    entries.copy(input, 1, at, at + hashBytes);
    hash('sha256', input, 'buffer').copy(out, at);
  }
  return out;
}

/** The parents of an even run of packed hashes: each pair hashed as a node, packed. */
function parents(hashes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(hashes.length / 2);
  const input = Buffer.allocUnsafe(1 + 2 * hashBytes);
  input[0] = 1;
  for (let at = 0; at < hashes.length; at += 2 * hashBytes) {
    hashes.copy(input, 1, at, at + 2 * hashBytes);
    hash('sha256', input, 'buffer').copy(out, at / 2);
  }
  return out;
}

/** Where the hashes of level `within` (1 to 7) of a tile start among its inner hashes. */
const innerStart = (within: number): number => tileWidth - 2 ** (tileHeight + 1 - within);

/** The inner hashes of a full tile: levels 1 to 7, 128 hashes down to 2, one after the other. */
const innerHashes = innerStart(tileHeight);

/**
 * The levels above a tile's hashes, each at its place as if the tile were full (a partial tile
 * leaves the rest zero), and the tile's root when it is full.
 */
export function innerLevels(hashes: Buffer): { inner: Buffer; root: Hash | null } {
  const inner = Buffer.alloc(innerHashes * hashBytes);
  let level = hashes;
  for (let within = 1; within < tileHeight; within++) {
    level = parents(level.subarray(0, level.length - (level.length % (2 * hashBytes))));
    level.copy(inner, innerStart(within) * hashBytes);
  }
  const root = widthOf(hashes) === tileWidth ? parents(level) : null;
  return { inner, root };
}

/** Where a perfect subtree's hash is stored: its tile, the column, and the hash's place there. */
export interface SubtreePlace {
  readonly tileLevel: number;
  readonly tileIndex: number;
  /** The tile's own hashes (the subtree is one of them) or the levels above them. */
  readonly column: 'hashes' | 'inner';
  /** The hash's place in that column, in hashes. */
  readonly at: number;
  /** How many of the tile's own hashes there must be for the subtree to be whole. */
  readonly needs: number;
}

/** Where the perfect subtree of 2^level leaves at `index` is found. */
export function subtreePlace(level: number, index: number): SubtreePlace {
  const within = level % tileHeight;
  const width = 2 ** within;
  const first = (index * width) % tileWidth;
  return {
    tileLevel: Math.floor(level / tileHeight),
    tileIndex: Math.floor((index * width) / tileWidth),
    column: within === 0 ? 'hashes' : 'inner',
    at: within === 0 ? first : innerStart(within) + first / width,
    needs: first + width,
  };
}

/** The subtree's hash in a tile as stored, or null when the tile lacks some of its leaves. */
export function hashIn(tile: Pick<Tile, 'hashes' | 'inner'>, place: SubtreePlace): Hash | null {
  if (widthOf(tile.hashes) < place.needs) return null;
  const column = place.column === 'hashes' ? tile.hashes : tile.inner;
  return Buffer.from(column.subarray(place.at * hashBytes, (place.at + 1) * hashBytes));
}

/** The open (partial) tile of each level of a tree of `size` leaves: an append continues them. */
export function openTiles(size: number): { level: number; index: number; width: number }[] {
  const open: { level: number; index: number; width: number }[] = [];
  for (let level = 0, count = size; count > 0; level++, count = Math.floor(count / tileWidth))
    if (count % tileWidth > 0)
      open.push({ level, index: Math.floor(count / tileWidth), width: count % tileWidth });
  return open;
}

/**
 * Appends packed leaf hashes to a tree of `size` leaves whose open tiles are given by level: the
 * tiles to write, each whole (an open one with its old hashes first). A tile that fills up gives
 * its root to the level above.
 */
export function appendToTiles(
  size: number,
  open: ReadonlyMap<number, Buffer>,
  leaves: Buffer,
): Tile[] {
  const tiles: Tile[] = [];
  let incoming = leaves;
  for (let level = 0, count = size; incoming.length > 0; level++) {
    const waiting = count % tileWidth === 0 ? Buffer.alloc(0) : open.get(level);
    if (waiting?.length !== (count % tileWidth) * hashBytes)
      throw new Error(
        `Tree tile ${level}/${Math.floor(count / tileWidth)} is not as its size says`,
      );
    const run = Buffer.concat([waiting, incoming]);
    const roots: Buffer[] = [];
    const full = tileWidth * hashBytes;
    for (let at = 0; at < run.length; at += full) {
      const hashes = run.subarray(at, at + full);
      const { inner, root } = innerLevels(hashes);
      tiles.push({ level, index: Math.floor(count / tileWidth) + at / full, hashes, inner });
      if (root) roots.push(root);
    }
    incoming = Buffer.concat(roots);
    count = Math.floor(count / tileWidth);
  }
  return tiles;
}
