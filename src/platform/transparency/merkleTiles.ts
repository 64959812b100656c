import { hash } from 'node:crypto';
import type { Hash } from './merkle.js';

/*
 * The tree stored as tiles, after the tiles of Go's checksum database (golang.org/x/mod/sumdb/tlog)
 * and C2SP tlog-tiles: a tile of level L holds up to 256 consecutive hashes of tree level 8L,
 * packed 32 bytes each; the seven levels above them inside the tile are recomputed when asked
 * (at most 255 hashes). A million leaves are some 4,000 tiles, not two million nodes, and an
 * append rewrites only the last, partial tile of each level it reaches.
 */

export const tileHeight = 8;
export const tileWidth = 2 ** tileHeight;
export const hashBytes = 32;

/** Up to 256 consecutive hashes of tree level 8 × `level`, the first at 256 × `index`. */
export interface Tile {
  readonly level: number;
  readonly index: number;
  readonly hashes: Buffer;
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

/** The root of a perfect run: a power of two of packed hashes. */
export function perfectRoot(hashes: Buffer): Hash {
  let level = hashes;
  while (level.length > hashBytes) level = parents(level);
  return Buffer.from(level);
}

/**
 * Where the perfect subtree of 2^level leaves at `index` is found: the tile, and the run of its
 * hashes whose root it is.
 */
export function subtreePlace(
  level: number,
  index: number,
): { tileLevel: number; tileIndex: number; from: number; width: number } {
  const tileLevel = Math.floor(level / tileHeight);
  const width = 2 ** (level % tileHeight);
  const first = index * width;
  return {
    tileLevel,
    tileIndex: Math.floor(first / tileWidth),
    from: first % tileWidth,
    width,
  };
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
      tiles.push({ level, index: Math.floor(count / tileWidth) + at / full, hashes });
      if (hashes.length === full) roots.push(perfectRoot(hashes));
    }
    incoming = Buffer.concat(roots);
    count = Math.floor(count / tileWidth);
  }
  return tiles;
}
