import type { KeyObject } from 'node:crypto';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import { growingTree } from '../platform/transparency/merkle.js';
import { verifyHead, type SignedTreeHead } from '../platform/transparency/treeHead.js';
import { leafAt, logLinks } from '../platform/eventStore/logLinks.js';

export type HeadCheck =
  | { readonly outcome: 'ok'; readonly size: number }
  | { readonly outcome: 'bad-signature' }
  | { readonly outcome: 'truncated'; readonly size: number; readonly events: number }
  | { readonly outcome: 'rewritten'; readonly size: number };

/**
 * Whether the log still holds what a signed head says it held: the signature is this portal's,
 * and the first `size` events, as the log gives them now, have the signed root. The tree is
 * recomputed from the events themselves, not read from the view an intruder could rewrite too.
 */
export async function checkHead(
  store: EventStore,
  head: SignedTreeHead,
  publicKey: KeyObject,
  batchSize = 5_000,
): Promise<HeadCheck> {
  if (!verifyHead(head, publicKey)) return { outcome: 'bad-signature' };
  // Only the first `size` events are read: what came after the head does not change it.
  const tree = growingTree();
  let after: GlobalPosition | null = null;
  while (tree.size < head.size) {
    const batch = await logLinks(store, after, Math.min(batchSize, head.size - tree.size));
    if (!batch) return { outcome: 'truncated', size: head.size, events: tree.size };
    for (let i = 0; i < batch.count; i++) tree.add(leafAt(batch, i));
    after = batch.last;
  }
  return tree.root().equals(head.root)
    ? { outcome: 'ok', size: head.size }
    : { outcome: 'rewritten', size: head.size };
}
