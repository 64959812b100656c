import { sql, type Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import { placeOfLeaf } from '../../projections/audit/merkleTree.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import { hasValidTag, tagsBegan } from '../platform/eventStore/eventTags.js';
import { leafHash } from '../platform/transparency/merkle.js';
import type { SignedTreeHead } from '../platform/transparency/treeHead.js';

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

/** Whether the events after this head may carry no tag: it was signed before tags began. */
export const untaggedMayFollow = (head: SignedTreeHead | null): boolean =>
  head !== null && Date.parse(head.signedAt) < tagsBegan;

export interface TagCheck {
  /** Events flagged, and the first of them. */
  readonly count: number;
  readonly first: readonly FlaggedEvent[];
  /** The events' leaf hashes, in order: the leaves the range holds, for the signer to compare. */
  readonly leaves: Buffer;
}

/**
 * The log's events from `start` on (`count` of them, or to the end) that the portal did not
 * write: with no valid tag (none is needed after a head signed before tags began, where
 * `untaggedMayFollow` says so), or whose id is in the log more than once. Repeated ids are looked
 * up in this database's events table: on KurrentDB, whose events are elsewhere, they are not.
 */
export async function untaggedPast(
  deps: TagCheckDeps,
  start: LeafStart,
  options: { count?: number; signal?: AbortSignal; untaggedMayFollow?: boolean } = {},
): Promise<TagCheck> {
  const { count = Infinity, signal } = options;
  const first: FlaggedEvent[] = [];
  const leaves: Buffer[] = [];
  let found = 0;
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
    const repeated = await repeatedIds(
      deps.db,
      events.map((event) => event.metadata.eventId),
    );
    for (const event of events) {
      const problem = repeated.has(event.metadata.eventId)
        ? 'repeated'
        : (event.tag || !options.untaggedMayFollow) && !hasValidTag(deps.tagKey, event)
          ? 'untagged'
          : null;
      if (problem && found++ < namedAtMost) {
        const { streamId, version } = event;
        first.push({ problem, leaf, eventId: event.metadata.eventId, streamId, version });
      }
      leaves.push(leafHash(Buffer.from(event.hash, 'hex')));
      leaf++;
    }
  }
  return { count: found, first, leaves: Buffer.concat(leaves) };
}

/** Of these event ids, those the events table holds more than once. */
async function repeatedIds(db: Kysely<Schema>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select event_id::text as id from events where event_id = any(${ids}::uuid[])
    group by event_id having count(*) > 1`.execute(db);
  return new Set(rows.map((row) => row.id));
}
