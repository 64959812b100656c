import { sql, type Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import { placeOfLeaf } from '../../projections/audit/merkleTree.js';
import type { Schema } from '../platform/db/schema.js';
import {
  storedData,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../platform/eventStore/eventStore.js';
import { chainHash, eventDigest, genesisHash } from '../platform/eventStore/hashChain.js';
import { hasValidTag } from '../platform/eventStore/eventTags.js';
import { leafHash } from '../platform/transparency/merkle.js';

/**
 * An event past the latest signed head that the portal did not write: without its valid tag, or
 * a copy of one already in the log (its id there twice).
 */
export interface FlaggedEvent {
  readonly problem: 'untagged' | 'repeated';
  readonly leaf: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
}

export interface TagCheckDeps {
  readonly store: EventStore;
  readonly db: Kysely<Schema>;
  readonly tagKey: KeyObject;
}

/** Where in the log a check starts: leaf `leaf`, the `skip`-th event read after `after`. */
export interface LeafStart {
  readonly leaf: number;
  readonly after: GlobalPosition | null;
  readonly skip: number;
}

/** Events named, at most (the first ones, in log order), as the tree check names others. */
export const namedAtMost = 20;
const page = 1_000;

/** Where leaf `leaf` starts, from the place the stored tree keeps for the leaf before it. */
export async function startOfLeaf(db: Kysely<Schema>, leaf: number): Promise<LeafStart> {
  if (leaf === 0) return { leaf, after: null, skip: 0 };
  const after = await placeOfLeaf(db, leaf - 1);
  if (!after) throw new RangeError(`The Merkle tree has no leaf ${leaf - 1}`);
  return { leaf, after, skip: 0 };
}

export interface TagCheck {
  /** Events flagged, and the first of them. */
  readonly count: number;
  readonly first: readonly FlaggedEvent[];
  /** The events' leaf hashes, in order: the leaves the range holds, for the signer to grow. */
  readonly leaves: Buffer;
  /** Events whose link is not their stream's previous link and their content (with `linkBefore`). */
  readonly mislinked: number;
}

/**
 * The link before `version` of a stream, for the first of its events a check reads: the genesis
 * link before version 1, else one that is known good (the signer proves it in its last head);
 * null when it cannot be.
 */
export type LinkBefore = (streamId: string, version: number) => Promise<string | null>;

/**
 * The log's events from `start` on (`count` of them, or to the end) that the portal did not
 * write: with no valid tag (none is needed below `untaggedBelow`, the events the log held when
 * the installation first ran a portal that tags: HeadWitness.untaggedBelow), or a copy of an
 * event earlier in the log. Copies are looked up in this database's events table: on KurrentDB,
 * whose events are elsewhere, they are not. With `linkBefore`, each event's link is also
 * recomputed from its stream's previous one.
 */
export async function untaggedPast(
  deps: TagCheckDeps,
  start: LeafStart,
  options: {
    count?: number;
    signal?: AbortSignal;
    untaggedBelow?: number;
    linkBefore?: LinkBefore;
  } = {},
): Promise<TagCheck> {
  const { count = Infinity, signal, linkBefore } = options;
  const first: FlaggedEvent[] = [];
  const leaves: Buffer[] = [];
  const links = new Map<string, string | null>();
  let found = 0;
  let mislinked = 0;
  let after = start.after;
  let skip = start.skip;
  let leaf = start.leaf;
  const end = start.leaf + count;
  while (leaf < end) {
    signal?.throwIfAborted();
    const read = await deps.store.readAll({ after, limit: page });
    if (read.length === 0) break;
    after = read.at(-1)!.position;
    const events = read.slice(skip, skip + (end - leaf));
    skip = Math.max(0, skip - read.length);
    const copies = await copiedEvents(deps.db, events);
    for (const event of events) {
      const digest = eventDigest(event.type, storedData(event), event.metadata);
      const problem = copies.has(event.position.prepare.toString())
        ? 'repeated'
        : (event.tag || leaf >= (options.untaggedBelow ?? 0)) &&
            !hasValidTag(deps.tagKey, event, digest)
          ? 'untagged'
          : null;
      if (problem && found++ < namedAtMost) {
        const { streamId, version } = event;
        first.push({ problem, leaf, eventId: event.metadata.eventId, streamId, version });
      }
      if (linkBefore) {
        const previous = links.has(event.streamId)
          ? links.get(event.streamId)!
          : event.version === 1
            ? genesisHash
            : await linkBefore(event.streamId, event.version);
        if (previous === null || chainHash(previous, digest) !== event.hash) mislinked++;
        links.set(event.streamId, event.hash);
      }
      leaves.push(leafHash(Buffer.from(event.hash, 'hex')));
      leaf++;
    }
  }
  return { count: found, first, leaves: Buffer.concat(leaves), mislinked };
}

/**
 * Of these events, by position, those that copy an earlier one: its event id already in the log
 * before it, or an id column that is not the event's own (metadata) id.
 */
async function copiedEvents(
  db: Kysely<Schema>,
  events: readonly RecordedEvent[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const { rows } = await sql<{ position: string }>`
    select e.position::text as position from events e
    where e.position = any(${events.map((event) => event.position.prepare.toString())}::bigint[])
      and (e.event_id::text is distinct from e.metadata->>'eventId'
        or exists (select 1 from events o where o.event_id = e.event_id
          and (o.tx_id, o.position) < (e.tx_id, e.position)))`.execute(db);
  return new Set(rows.map((row) => row.position));
}
