import { nodeHash, rangeHashes, type Hash } from '../../src/platform/transparency/merkle.js';

/**
 * The reference the tests hold the stored tree to: every perfect subtree computed from the leaves
 * themselves, nothing kept.
 */
export function memoryTree(leaves: readonly Hash[]) {
  return rangeHashes(async (level, index) => {
    const width = 2 ** level;
    const start = index * width;
    if (start + width > leaves.length) throw new RangeError(`No subtree ${level}/${index}`);
    return subtreeOf(leaves.slice(start, start + width));
  });
}

function subtreeOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 1) return leaves[0]!;
  const k = leaves.length / 2;
  return nodeHash(subtreeOf(leaves.slice(0, k)), subtreeOf(leaves.slice(k)));
}
