import type { Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import { placeOfLeaf } from '../../projections/audit/merkleTree.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import { hasValidTag } from '../platform/eventStore/eventTags.js';

/** An event past the latest signed head without the portal's tag: not written by the portal. */
export interface UntaggedEvent {
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

/** Untagged events named, at most (the first ones, in log order). */
const named = 20;
const page = 1_000;

/** Where leaf `leaf` starts, from the place the stored tree keeps for the leaf before it. */
export async function startOfLeaf(db: Kysely<Schema>, leaf: number): Promise<LeafStart> {
  if (leaf === 0) return { leaf, after: null, skip: 0 };
  const after = await placeOfLeaf(db, leaf - 1);
  if (!after) throw new RangeError(`The Merkle tree has no leaf ${leaf - 1}`);
  return { leaf, after, skip: 0 };
}

/**
 * The log's events from `start` on (`count` of them, or to the end) that carry no valid tag: the
 * first ones named, and how many. An event written before tags began (migration 0036) may have
 * none; one that has a tag must have the right one.
 */
export async function untaggedPast(
  deps: TagCheckDeps,
  start: LeafStart,
  { count = Infinity, signal }: { count?: number; signal?: AbortSignal } = {},
): Promise<{ readonly count: number; readonly first: readonly UntaggedEvent[] }> {
  const untaggedUpTo = await tagsStartAfter(deps.db);
  const first: UntaggedEvent[] = [];
  let found = 0;
  let after = start.after;
  let skip = start.skip;
  let leaf = start.leaf;
  const end = start.leaf + count;
  while (leaf < end) {
    signal?.throwIfAborted();
    const events = await deps.store.readAll({ after, limit: page });
    if (events.length === 0) break;
    after = events.at(-1)!.position;
    for (const event of events.slice(skip)) {
      if (leaf >= end) break;
      const legacy = !event.tag && event.position.prepare <= untaggedUpTo;
      if (!legacy && !hasValidTag(deps.tagKey, event)) {
        found++;
        if (first.length < named) {
          const { streamId, version } = event;
          first.push({ leaf, eventId: event.metadata.eventId, streamId, version });
        }
      }
      leaf++;
    }
    skip = Math.max(0, skip - events.length);
  }
  return { count: found, first };
}

/**
 * The last position written before tags began. It is only a position in this database's events
 * table: on KurrentDB, whose events are elsewhere, it is 0 and every event needs its tag. A
 * missing row counts as 0 too.
 */
async function tagsStartAfter(db: Kysely<Schema>): Promise<bigint> {
  const row = await db.selectFrom('event_tags_start').select('after_position').executeTakeFirst();
  return BigInt(row?.after_position ?? 0);
}
