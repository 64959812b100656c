import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  emptyRoot,
  leafHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/platform/transparency/merkle.js';
import {
  headText,
  sealKeyFrom,
  signHead,
  verifyHead,
} from '../../src/platform/transparency/treeHead.js';
import { headJson } from '../../src/platform/transparency/publishedJson.js';
import { memoryTree } from '../support/memoryTree.js';
import { referenceEntries as entries, referenceRoots as roots } from '../support/merkleVectors.js';

/** What scripts/verifyExport.mjs exports for this test; run as a script it checks a folder. */
interface Verifier {
  emptyRoot: Hash;
  leafHash(entry: Buffer): Hash;
  rootOf(leaves: readonly Hash[]): Hash;
  verifyInclusion(
    leaf: Hash,
    index: number,
    size: number,
    proof: readonly Hash[],
    root: Hash,
  ): boolean;
  verifyConsistency(
    first: number,
    second: number,
    firstRoot: Hash,
    secondRoot: Hash,
    proof: readonly Hash[],
  ): boolean;
  parseHead(value: unknown): { text: string } | null;
  headSigned(head: object, key: unknown): boolean;
}

// A path in a variable: the .mjs has no types, and only this shape of it is used here.
const scriptUrl = new URL('../../scripts/verifyExport.mjs', import.meta.url).href;
const script = (await import(scriptUrl)) as Verifier;

const unhex = (value: string) => Buffer.from(value, 'hex');
const seal = sealKeyFrom(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);

/** A copy of the proof with one bit of one hash flipped. */
const flipped = (proof: readonly Hash[], at: number) =>
  proof.map((hash, i) => {
    const copy = Buffer.from(hash);
    if (i === at) copy[0]! ^= 1;
    return copy;
  });

describe('the Merkle checks of verifyExport.mjs, against src/platform/transparency/merkle.ts', () => {
  it('has the reference leaves and roots of every size', () => {
    expect(script.emptyRoot.equals(emptyRoot)).toBe(true);
    expect(script.rootOf([]).equals(emptyRoot)).toBe(true);
    const leaves = entries.map((entry) => script.leafHash(entry));
    for (const [i, entry] of entries.entries())
      expect(leaves[i]!.equals(leafHash(entry))).toBe(true);
    for (let size = 1; size <= 8; size++)
      expect(script.rootOf(leaves.slice(0, size)).toString('hex')).toBe(roots[size - 1]);
  });

  it('accepts the reference proofs and refuses them altered, as merkle.ts does', async () => {
    const leaves = entries.map(leafHash);
    const tree = memoryTree(leaves);
    const root = unhex(roots[7]!);
    for (const index of [0, 5, 7]) {
      const proof = await tree.inclusionProof(index, 8);
      for (const [leaf, at, size, path] of [
        [leaves[index]!, index, 8, proof],
        [leaves[(index + 1) % 8]!, index, 8, proof],
        [leaves[index]!, index, 7, proof],
        [leaves[index]!, 8, 8, proof],
        [leaves[index]!, index, 8, flipped(proof, 1)],
        [leaves[index]!, index, 8, proof.slice(1)],
        [leaves[index]!, index, 8, [...proof, root]],
      ] as const)
        expect(script.verifyInclusion(leaf, at, size, path, root)).toBe(
          verifyInclusion(leaf, at, size, path, root),
        );
      expect(script.verifyInclusion(leaves[index]!, index, 8, proof, root)).toBe(true);
    }
    for (const first of [2, 6]) {
      const proof = await tree.consistencyProof(first, 8);
      const firstRoot = unhex(roots[first - 1]!);
      expect(script.verifyConsistency(first, 8, firstRoot, root, proof)).toBe(true);
      expect(script.verifyConsistency(first, 8, firstRoot, root, flipped(proof, 0))).toBe(false);
    }
    expect(script.verifyConsistency(0, 8, emptyRoot, root, [])).toBe(true);
    expect(script.verifyConsistency(0, 8, root, root, [])).toBe(false);
    expect(script.verifyConsistency(8, 6, root, unhex(roots[5]!), [])).toBe(false);
  });

  it('agrees with merkle.ts on every leaf and every pair of sizes up to 24, right or wrong', async () => {
    const many = Array.from({ length: 24 }, (_, i) => leafHash(Buffer.from(`evento ${i}`)));
    const tree = memoryTree(many);
    let compared = 0;
    for (let second = 1; second <= many.length; second++) {
      const secondRoot = await tree.root(second);
      expect(script.rootOf(many.slice(0, second)).equals(secondRoot)).toBe(true);
      for (let index = 0; index < second; index++) {
        const proof = await tree.inclusionProof(index, second);
        for (const [leaf, size, path] of [
          [many[index]!, second, proof],
          [many[(index + 1) % many.length]!, second, proof],
          [many[index]!, second, flipped(proof, proof.length - 1)],
          [many[index]!, second + 1, proof],
        ] as const) {
          expect(script.verifyInclusion(leaf, index, size, path, secondRoot)).toBe(
            verifyInclusion(leaf, index, size, path, secondRoot),
          );
          compared++;
        }
      }
      for (let first = 0; first <= second; first++) {
        const firstRoot = await tree.root(first);
        const proof = await tree.consistencyProof(first, second);
        // A size claimed larger than the proof's, with the same roots: only sn === 0 tells.
        for (const [from, to, path] of [
          [firstRoot, second, proof],
          [secondRoot, second, proof],
          [firstRoot, second, proof.slice(0, -1)],
          [firstRoot, second, flipped(proof, 0)],
          [firstRoot, second * 2 + 1, proof],
        ] as const) {
          expect(script.verifyConsistency(first, to, from, secondRoot, path)).toBe(
            verifyConsistency(first, to, from, secondRoot, path),
          );
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(2_000);
  });

  it('reads a head as headJson writes it, and checks its signature as verifyHead does', () => {
    const head = signHead(
      {
        origin: 'Dichiara – prova – registro eventi',
        size: 8,
        root: unhex(roots[7]!),
        signedAt: '2026-11-23T10:00:00.000Z',
      },
      seal.privateKey,
    );
    const parsed = script.parseHead(headJson(head))!;
    expect(parsed.text).toBe(headText(head));
    expect(script.headSigned(parsed, seal.publicKey)).toBe(true);
    expect(verifyHead(head, seal.publicKey)).toBe(true);
    const resized = script.parseHead({ ...headJson(head), dimensione: 9 })!;
    expect(script.headSigned(resized, seal.publicKey)).toBe(false);
    expect(script.parseHead({ ...headJson(head), radice: 'zz' })).toBeNull();
  });
});
