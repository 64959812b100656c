import type { Kysely } from 'kysely';
import { setTimeout as pause } from 'node:timers/promises';
import type { InclusionReceipt } from '../../domain/audit/treeHeads.js';
import { leafHashAt, leavesAt, storedTree, treeSize } from '../../projections/audit/merkleTree.js';
import { firstHeadCovering } from '../../projections/audit/treeHeads.js';
import type { Schema } from '../platform/db/schema.js';
import type { RecordedEvent } from '../platform/eventStore/eventStore.js';
import { leafOfEvent, type AuditLog } from './auditLog.js';
import { headData, signTreeHead, type HeadSigningDeps } from './treeHeadSigning.js';

/** Where an event is in the tree of `size` leaves, and the proof; null if it is not in it (yet). */
export async function inclusionAt(
  db: Kysely<Schema>,
  log: AuditLog,
  eventId: string,
  size: number,
): Promise<Omit<InclusionReceipt, 'head'> | null> {
  return inclusionOfLeaf(db, eventId, await leafOfEvent(db, log, eventId), size);
}

async function inclusionOfLeaf(
  db: Kysely<Schema>,
  eventId: string,
  leaf: number | null,
  size: number,
): Promise<Omit<InclusionReceipt, 'head'> | null> {
  // During a rebuild the view may not hold a tree of that size yet.
  if (leaf === null || leaf >= size || size > (await treeSize(db))) return null;
  const proof = await storedTree(db).inclusionProof(leaf, size);
  return {
    eventId,
    leaf,
    leafHash: (await leafHashAt(db, leaf))!.toString('hex'),
    proof: proof.map((hash) => hash.toString('hex')),
  };
}

/**
 * How long a receipt waits for the tree to take its event in, and for a head: long enough for a
 * rebuild of the tree or a burst of writes, after which the process manager tries again.
 */
const receiptWaitMs = 10 * 60_000;

/**
 * The receipt of a just-recorded event, for the mail that confirms it: once the tree has taken
 * the event in, the first head that covers it, signed now if none does yet (heads otherwise come
 * only every minute). The first covering head is chosen so that a receipt made again after a
 * crash is the same one.
 */
export async function awaitInclusionReceipt(
  deps: HeadSigningDeps,
  event: RecordedEvent,
  stopping: AbortSignal,
): Promise<InclusionReceipt> {
  const deadline = Date.now() + receiptWaitMs;
  const { eventId } = event.metadata;
  while (Date.now() < deadline) {
    stopping.throwIfAborted();
    // Found by its place in the log, as the tree took it in: no copy of the log is needed.
    const [leaf = null] = await leavesAt(deps.db, [event.position]);
    if (leaf !== null) {
      // Always the first covering head as the view has it: the same one after a crash.
      const head = await firstHeadCovering(deps.db, leaf);
      const inclusion = head && (await inclusionOfLeaf(deps.db, eventId, leaf, head.size));
      if (head && inclusion) return { ...inclusion, head: headData(head) };
      if (!head) await signTreeHead(deps);
    }
    await pause(100, undefined, { signal: stopping });
  }
  throw new Error(`Event ${eventId} is not in a signed tree after ${receiptWaitMs / 1000} s`);
}
