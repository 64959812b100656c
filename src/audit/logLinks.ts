import type { LinkBatch } from '../platform/eventStore/chainReader.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import { leafHash, type Hash } from '../platform/transparency/merkle.js';

/** The log's links in order: the store's own light read where it has one, readAll elsewhere. */
export async function logLinks(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<LinkBatch | null> {
  if (store.chain) return store.chain.links(after, limit);
  const events = await store.readAll({ after, limit });
  if (events.length === 0) return null;
  return {
    count: events.length,
    hashes: Buffer.concat(events.map((event) => Buffer.from(event.hash, 'hex'))),
    recordedAt: events.map((event) => Date.parse(event.metadata.recordedAt)),
    last: events.at(-1)!.position,
    eventId: async (i) => events[i]!.metadata.eventId,
  };
}

/** The Merkle leaf of a batch's i-th event. */
export const leafAt = (batch: LinkBatch, i: number): Hash =>
  leafHash(batch.hashes.subarray(i * 32, i * 32 + 32));
