import type { Kysely } from 'kysely';
import { setTimeout as pause } from 'node:timers/promises';
import type { InclusionReceipt } from '../../domain/audit/treeHeads.js';
import { leafHashAt, leafOfEvent, storedTree } from '../../projections/audit/merkleTree.js';
import { firstHeadCovering } from '../../projections/audit/treeHeads.js';
import type { Schema } from '../platform/db/schema.js';
import type { SignedTreeHead } from '../platform/transparency/treeHead.js';
import { signTreeHead, type HeadSigningDeps } from './treeHeadSigning.js';

/** That an event is in the tree a head signed, or null if that tree does not hold it (yet). */
export async function inclusionReceipt(
  db: Kysely<Schema>,
  eventId: string,
  head: SignedTreeHead,
): Promise<InclusionReceipt | null> {
  const leaf = await leafOfEvent(db, eventId);
  if (leaf === null || leaf >= head.size) return null;
  const proof = await storedTree(db).inclusionProof(leaf, head.size);
  return {
    eventId,
    leaf,
    leafHash: (await leafHashAt(db, leaf))!.toString('hex'),
    proof: proof.map((hash) => hash.toString('hex')),
    head: { ...head, root: head.root.toString('hex') },
  };
}

/** How long a receipt waits for the tree to take its event in before the caller retries. */
const receiptWaitMs = 90_000;

/**
 * The receipt of a just-recorded event, for the mail that confirms it: once the tree has taken
 * the event in, the first head that covers it, signed now if none does yet (heads otherwise come
 * only every minute). The first covering head is chosen so that a receipt made again after a
 * crash is the same one.
 */
export async function awaitInclusionReceipt(
  deps: HeadSigningDeps,
  eventId: string,
): Promise<InclusionReceipt> {
  const deadline = Date.now() + receiptWaitMs;
  while (Date.now() < deadline) {
    const leaf = await leafOfEvent(deps.db, eventId);
    if (leaf !== null) {
      const head =
        (await firstHeadCovering(deps.db, leaf)) ?? (await signTreeHead(deps))?.head ?? null;
      const receipt = head && (await inclusionReceipt(deps.db, eventId, head));
      if (receipt) return receipt;
    }
    await pause(100);
  }
  throw new Error(`Event ${eventId} is not in a signed tree after ${receiptWaitMs / 1000} s`);
}
