import { leafHash, type Hash } from '../transparency/merkle.js';
import type { DatedLinks, LinkBatch, PlacedLinks } from './chainReader.js';
import type { EventStore, GlobalPosition } from './eventStore.js';
import { packPositions } from './globalPosition.js';

/**
 * The log's links in order, with their places: the store's own light read where it has one,
 * readAll elsewhere.
 */
export async function logLinks(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<PlacedLinks | null> {
  if (store.chain) return store.chain.links(after, limit);
  return readLinks(store, after, limit);
}

/** The log's links in order, with their recording times. */
export async function datedLogLinks(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<DatedLinks | null> {
  if (store.chain) return store.chain.datedLinks(after, limit);
  return readLinks(store, after, limit);
}

async function readLinks(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<(PlacedLinks & DatedLinks) | null> {
  const events = await store.readAll({ after, limit });
  if (events.length === 0) return null;
  return {
    count: events.length,
    hashes: Buffer.concat(events.map((event) => Buffer.from(event.hash, 'hex'))),
    positions: packPositions(events.map((event) => event.position)),
    recordedAt: events.map((event) => Date.parse(event.metadata.recordedAt)),
    last: events.at(-1)!.position,
    eventId: async (i) => events[i]!.metadata.eventId,
  };
}

/** The Merkle leaf of a batch's i-th event. */
export const leafAt = (batch: LinkBatch, i: number): Hash =>
  leafHash(batch.hashes.subarray(i * 32, i * 32 + 32));
