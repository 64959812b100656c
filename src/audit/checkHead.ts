import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import { growingTree, leafHash } from '../platform/transparency/merkle.js';
import { verifyHead, type SignedTreeHead } from '../platform/transparency/treeHead.js';

/** A head as /trasparenza gives it (alone, or inside a proof's answer as `testa`). */
const headSchema = z.object({
  origine: z.string().min(1).max(200),
  dimensione: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  radice: z.string().regex(/^[0-9a-f]{64}$/),
  firmataIl: z.iso.datetime(),
  firma: z.string().max(200),
});
export const headFileSchema = z
  .union([headSchema, z.object({ testa: headSchema })])
  .transform((file): SignedTreeHead => {
    const head = 'testa' in file ? file.testa : file;
    return {
      origin: head.origine,
      size: head.dimensione,
      root: Buffer.from(head.radice, 'hex'),
      signedAt: head.firmataIl,
      signature: head.firma,
    };
  });

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
    const batch = await store.readAll({ after, limit: Math.min(batchSize, head.size - tree.size) });
    for (const event of batch) tree.add(leafHash(Buffer.from(event.hash, 'hex')));
    if (batch.length === 0) return { outcome: 'truncated', size: head.size, events: tree.size };
    after = batch.at(-1)!.position;
  }
  return tree.root().equals(head.root)
    ? { outcome: 'ok', size: head.size }
    : { outcome: 'rewritten', size: head.size };
}
