import type { GlobalPosition } from './eventStore.js';

export const startOfLog: GlobalPosition = { commit: 0n, prepare: 0n };

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** "commit/prepare", safe in URLs, headers and logs. */
export function formatPosition(position: GlobalPosition): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): GlobalPosition | null {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
  if (!match?.[1] || !match[2]) return null;
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

/** A packed position: commit then prepare, each an unsigned 64-bit big-endian integer. */
export const positionBytes = 16;

/** Positions packed one after the other, as a Merkle tree tile keeps its leaves' places. */
export function packPositions(positions: readonly GlobalPosition[]): Buffer {
  const packed = Buffer.allocUnsafe(positions.length * positionBytes);
  positions.forEach((position, i) => {
    packed.writeBigUInt64BE(position.commit, i * positionBytes);
    packed.writeBigUInt64BE(position.prepare, i * positionBytes + 8);
  });
  return packed;
}

/** The i-th of packed positions. */
export const positionIn = (packed: Buffer, i: number): GlobalPosition => ({
  commit: packed.readBigUInt64BE(i * positionBytes),
  prepare: packed.readBigUInt64BE(i * positionBytes + 8),
});
