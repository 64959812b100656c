import { leafHashes } from '../transparency/merkleTiles.js';
import { leafHash, type Hash } from '../transparency/merkle.js';
import type { DatedLinks, LinkBatch, LogLeaves } from './chainReader.js';
import type { EventStore, GlobalPosition } from './eventStore.js';
import { packPositions } from './globalPosition.js';

/*
 * The log read light, without the events' content: the store's own packed reads where it has
 * them (store.chain), readAll elsewhere (KurrentDB).
 */

/** The log's links in order, with their recording times. */
export async function datedLogLinks(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<DatedLinks | null> {
  if (store.chain) return store.chain.datedLinks(after, limit);
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

/** The log's links in order, as a signed head is checked against them. */
export async function logLinks(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<LinkBatch | null> {
  return store.chain ? store.chain.links(after, limit) : datedLogLinks(store, after, limit);
}

/** The log's events as the Merkle tree takes them in: leaf hashes and places. */
export async function logLeaves(
  store: EventStore,
  after: GlobalPosition | null,
  limit: number,
): Promise<LogLeaves | null> {
  if (store.chain) return store.chain.leaves(after, limit);
  const events = await store.readAll({ after, limit });
  if (events.length === 0) return null;
  return {
    count: events.length,
    leaves: leafHashes(Buffer.concat(events.map((event) => Buffer.from(event.hash, 'hex')))),
    positions: packPositions(events.map((event) => event.position)),
    last: events.at(-1)!.position,
  };
}

/** The Merkle leaf of a batch's i-th event. */
export const leafAt = (batch: LinkBatch, i: number): Hash =>
  leafHash(batch.hashes.subarray(i * 32, i * 32 + 32));
