import { memoryTree } from '../../support/memoryTree.js';
import { describe, expect, it } from 'vitest';
import {
  emptyRoot,
  frontierOf,
  leafHash,
  growingTree,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../../src/platform/transparency/merkle.js';
import {
  referenceEntries as entries,
  referenceRoots as roots,
} from '../../support/merkleVectors.js';

const leaves = entries.map(leafHash);
const hex = (hashes: readonly Hash[]) => hashes.map((hash) => hash.toString('hex'));
const unhex = (value: string) => Buffer.from(value, 'hex');

describe('the Merkle tree of RFC 9162', () => {
  it('has the reference roots for every size', async () => {
    expect(emptyRoot.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    for (let size = 1; size <= 8; size++)
      expect((await memoryTree(leaves).root(size)).toString('hex')).toBe(roots[size - 1]);
  });

  it('gives the reference inclusion and consistency proofs', async () => {
    const tree = memoryTree(leaves);
    expect(hex(await tree.inclusionProof(0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(await tree.inclusionProof(5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(await tree.consistencyProof(2, 8))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(await tree.consistencyProof(6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  // Every shape of the recursion: all sizes up to 40, every leaf and every pair of sizes.
  const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`evento ${i}`)));
  const tree = memoryTree(many);

  it('proves every leaf of every size, and refuses a proof altered in any way', async () => {
    for (let size = 1; size <= many.length; size++) {
      const root = await tree.root(size);
      for (let index = 0; index < size; index++) {
        const proof = await tree.inclusionProof(index, size);
        expect(verifyInclusion(many[index]!, index, size, proof, root)).toBe(true);
        expect(verifyInclusion(many[(index + 1) % 40]!, index, size, proof, root)).toBe(false);
        // The signed head binds a size to its root: the root of another size does not verify.
        if (size < many.length)
          expect(verifyInclusion(many[index]!, index, size, proof, await tree.root(size + 1))).toBe(
            false,
          );
        if (proof.length === 0) continue;
        const flipped = proof.map((hash) => Buffer.from(hash));
        flipped[0]![0]! ^= 1;
        expect(verifyInclusion(many[index]!, index, size, flipped, root)).toBe(false);
        expect(verifyInclusion(many[index]!, index, size, proof.slice(1), root)).toBe(false);
        expect(verifyInclusion(many[index]!, index, size, [...proof, root], root)).toBe(false);
      }
    }
  });

  it('proves every smaller tree a prefix of every larger one, and nothing else', async () => {
    for (let second = 1; second <= many.length; second++) {
      const secondRoot = await tree.root(second);
      for (let first = 0; first <= second; first++) {
        const firstRoot = await tree.root(first);
        const proof = await tree.consistencyProof(first, second);
        expect(verifyConsistency(first, second, firstRoot, secondRoot, proof)).toBe(true);
        if (first === 0 || first === second) continue;
        // Another history of the same length: the same leaves but one.
        const forged = [...many.slice(0, first)];
        forged[first - 1] = leafHash(Buffer.from('riscritto'));
        const forgedRoot = await memoryTree(forged).root(first);
        expect(verifyConsistency(first, second, forgedRoot, secondRoot, proof)).toBe(false);
        expect(verifyConsistency(first, second, firstRoot, secondRoot, proof.slice(0, -1))).toBe(
          false,
        );
        if (second < many.length)
          expect(
            verifyConsistency(first, second, firstRoot, await tree.root(second + 1), proof),
          ).toBe(false);
      }
    }
  });

  it('refuses sizes that name no leaf, and hashes that are not SHA-256', async () => {
    const root = unhex(roots[7]!);
    const proof = await memoryTree(leaves).inclusionProof(5, 8);
    expect(verifyInclusion(leaves[5]!, 8, 8, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[5]!, -1, 8, proof, root)).toBe(false);
    expect(verifyInclusion(Buffer.alloc(31), 5, 8, proof, root)).toBe(false);
    expect(verifyConsistency(8, 6, root, unhex(roots[5]!), [])).toBe(false);
    expect(verifyConsistency(0, 8, emptyRoot, root, [])).toBe(true);
    expect(verifyConsistency(0, 8, root, root, [])).toBe(false);
    await expect(memoryTree(leaves).inclusionProof(8, 8)).rejects.toThrow(RangeError);
    await expect(memoryTree(leaves).consistencyProof(5, 3)).rejects.toThrow(RangeError);
  });
});

describe('a tree read from the start of the log', () => {
  it('has the same root as the whole tree at every size', async () => {
    const all = Array.from({ length: 33 }, (_, i) => leafHash(Buffer.from(`riga ${i}`)));
    const growing = growingTree();
    expect(growing.root().equals(emptyRoot)).toBe(true);
    for (const [i, leaf] of all.entries()) {
      growing.add(leaf);
      expect(growing.size).toBe(i + 1);
      expect(growing.root().equals(await memoryTree(all).root(i + 1)), `size ${i + 1}`).toBe(true);
    }
  });

  it('grows on from the frontier of a tree already grown, as the signer does', async () => {
    const all = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`riga ${i}`)));
    const whole = memoryTree(all);
    expect(frontierOf(0)).toEqual([]);
    expect(frontierOf(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    for (const start of [0, 1, 8, 13, 31, 32]) {
      // The frontier's subtrees: the roots of their leaf ranges.
      const frontier = await Promise.all(
        frontierOf(start).map(async ({ level, index }) => ({
          level,
          hash: await memoryTree(all.slice(index * 2 ** level, (index + 1) * 2 ** level)).root(
            2 ** level,
          ),
        })),
      );
      const growing = growingTree(frontier);
      expect(growing.size).toBe(start);
      expect(growing.root().equals(await whole.root(start)), `from ${start}`).toBe(true);
      for (const leaf of all.slice(start)) growing.add(leaf);
      expect(growing.root().equals(await whole.root(40)), `from ${start} to 40`).toBe(true);
    }
  });
});
