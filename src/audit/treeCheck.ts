import type { Kysely } from 'kysely';
import type { KeyObject } from 'node:crypto';
import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import { storedLeaves, treeSize } from '../../projections/audit/merkleTree.js';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import { datedLogLinks, leafAt } from '../platform/eventStore/logLinks.js';
import { growingTree } from '../platform/transparency/merkle.js';
import { verifyHead, type SignedTreeHead } from '../platform/transparency/treeHead.js';
import { readTail } from './auditStreams.js';
import type { HeadWitness } from './headWitness.js';
import { namedAtMost, untaggedPast, type FlaggedEvent, type LeafStart } from './eventTagCheck.js';

/** Where a signed head was found: the heads' view, the log's own last TreeHeadSigned, the witness. */
export type HeadSource = 'view' | 'log' | 'witness';

/** What the tree and the signed heads say the log lost or gained, beyond each stream's chain. */
export type TreeProblem =
  /** From this leaf on, the log's events are not those the tree took in: changed, put or taken. */
  | { readonly problem: 'leaf'; readonly leaf: number; readonly eventId: string }
  /** Dated, it says, well before a signed head that leaves it out: written later than it claims. */
  | {
      readonly problem: 'backdated';
      readonly leaf: number;
      readonly eventId: string;
      readonly recordedAt: string;
      readonly after: string;
    }
  /** The tree holds more leaves than the log has events: events were taken from it. */
  | { readonly problem: 'shorter'; readonly treeSize: number; readonly events: number }
  | { readonly problem: 'unsigned'; readonly source: HeadSource; readonly size: number | null }
  | {
      readonly problem: 'truncated';
      readonly source: HeadSource;
      readonly size: number;
      readonly events: number;
    }
  | { readonly problem: 'rewritten'; readonly source: HeadSource; readonly size: number }
  /** Past the latest signed head, not written by the portal: no valid tag, or a copy. */
  | FlaggedEvent;

export interface TreeCheck {
  /** Events walked, in log order. */
  readonly events: number;
  readonly treeSize: number;
  /** The largest signed head checked (0 without any). */
  readonly signedSize: number;
  /**
   * Heads were signed, but none is kept outside the database where this check runs (another
   * DATA_DIR, or the file removed): a log cut back with its heads would go unseen here.
   */
  readonly witnessMissing: boolean;
  readonly problems: readonly TreeProblem[];
}

export interface TreeCheckDeps {
  readonly store: EventStore;
  readonly db: Kysely<Schema>;
  readonly publicKey: KeyObject;
  /** The events' tags' secret (eventTags.ts): events past the latest head must carry a tag. */
  readonly tagKey: KeyObject;
  readonly witness: HeadWitness | null;
}

const batchSize = 20_000;

/**
 * How much earlier than a signed head that leaves it out an event may say it was recorded. Heads
 * are signed only once the tree holds every event already committed, so an event a head leaves
 * out was written after the head was signed — give or take this: an append's time is taken
 * before it reaches the database, where a busy moment may queue it, and clocks differ a little.
 */
export const recordingTolerance = 5 * 60_000;

/**
 * Walks the log's links in order and rebuilds the Merkle tree from them: each leaf is compared
 * with the stored tree (the first leaf that differs is named), and the root at each signed
 * head's size with the root it signed — the newest head in the view, the newest one in the log
 * itself, and the one kept outside the database. So a rewritten event (its chain recomputed), an
 * event put in or taken out, a removed tail, and a log cut back with its heads are each named,
 * even when every stream's chain holds. Past the largest head, where no signature speaks for the
 * events yet, each must carry the portal's tag: one added at the end is named too.
 */
export async function checkTree(
  deps: TreeCheckDeps,
  options: { onProgress?: (events: number) => void; signal?: AbortSignal } = {},
): Promise<TreeCheck> {
  const problems: TreeProblem[] = [];
  const stored = await treeSize(deps.db);
  const witness = deps.witness?.read() ?? null;
  const heads = await signedHeads(deps, witness, problems);
  const signedSize = Math.max(0, ...heads.map(({ head }) => head.size));
  /** Where the events past the largest head begin, found on the way. */
  let pastHeads: LeafStart | null = signedSize === 0 ? { leaf: 0, after: null, skip: 0 } : null;
  const pending = [...heads].sort((a, b) => a.head.size - b.head.size);
  const tree = growingTree();
  const compare = (at: number) => {
    while (pending[0] && pending[0].head.size === at) {
      const { head, source } = pending.shift()!;
      if (!tree.root().equals(head.root))
        problems.push({ problem: 'rewritten', source, size: head.size });
    }
  };
  compare(0);
  let differs = false;
  let after: GlobalPosition | null = null;
  const logged = loggedHeads(deps.store);
  let nextHead = await logged.next();
  /** The largest head not covering the leaf at hand; its signature checked when it accuses. */
  let floor: { head: SignedTreeHead; at: number; signed?: boolean } | null = null;
  let backdated = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const batch = await datedLogLinks(deps.store, after, batchSize);
    if (!batch) break;
    const first = tree.size;
    if (!pastHeads && signedSize >= first && signedSize < first + batch.count)
      pastHeads = { leaf: signedSize, after, skip: signedSize - first };
    const kept = differs
      ? null
      : await storedLeaves(deps.db, first, Math.min(batch.count, stored - first));
    for (let i = 0; i < batch.count; i++) {
      const leaf = leafAt(batch, i);
      if (!differs && first + i < stored && !kept?.subarray(i * 32, i * 32 + 32).equals(leaf)) {
        differs = true;
        problems.push({ problem: 'leaf', leaf: first + i, eventId: await batch.eventId(i) });
      }
      while (!nextHead.done && nextHead.value.size <= first + i) {
        floor = { head: nextHead.value, at: Date.parse(nextHead.value.signedAt) };
        nextHead = await logged.next();
      }
      const recordedAt = batch.recordedAt[i]!;
      if (
        floor &&
        recordedAt < floor.at - recordingTolerance &&
        (floor.signed ??= verifyHead(floor.head, deps.publicKey)) &&
        backdated++ < namedAtMost
      ) {
        problems.push({
          problem: 'backdated',
          leaf: first + i,
          eventId: await batch.eventId(i),
          recordedAt: new Date(recordedAt).toISOString(),
          after: floor.head.signedAt,
        });
      }
      tree.add(leaf);
      compare(tree.size);
    }
    after = batch.last;
    options.onProgress?.(tree.size);
  }
  if (!pastHeads && signedSize === tree.size) pastHeads = { leaf: signedSize, after, skip: 0 };
  if (pastHeads) {
    const flagged = await untaggedPast(deps, pastHeads, {
      signal: options.signal,
      untaggedBelow: deps.witness?.untaggedBelow() ?? 0,
    });
    problems.push(...flagged.first);
  }
  if (stored > tree.size) {
    problems.push({ problem: 'shorter', treeSize: stored, events: tree.size });
  }
  for (const { head, source } of pending) {
    problems.push({ problem: 'truncated', source, size: head.size, events: tree.size });
  }
  return {
    events: tree.size,
    treeSize: stored,
    signedSize,
    witnessMissing: heads.length > 0 && deps.witness !== null && witness === null,
    problems,
  };
}

/** The heads to check against, each verified with the key; those not signed are problems. */
async function signedHeads(
  deps: TreeCheckDeps,
  witness: ReturnType<HeadWitness['read']>,
  problems: TreeProblem[],
): Promise<{ head: SignedTreeHead; source: HeadSource }[]> {
  const { events } = await readTail(deps.store, treeHeadsStream.id(), 1);
  const recorded = events.filter(treeHeadsStream.holds).at(-1);
  if (witness === 'unreadable')
    problems.push({ problem: 'unsigned', source: 'witness', size: null });
  const found: { head: SignedTreeHead | null; source: HeadSource }[] = [
    { head: await latestTreeHead(deps.db), source: 'view' },
    {
      head: recorded ? { ...recorded.data, root: Buffer.from(recorded.data.root, 'hex') } : null,
      source: 'log',
    },
    { head: witness === 'unreadable' ? null : witness, source: 'witness' },
  ];
  const heads: { head: SignedTreeHead; source: HeadSource }[] = [];
  for (const { head, source } of found) {
    if (!head) continue;
    if (!verifyHead(head, deps.publicKey)) {
      problems.push({ problem: 'unsigned', source, size: head.size });
      continue;
    }
    // The same head found twice is checked once, under the first name it was found by.
    if (heads.some((known) => known.head.signature === head.signature)) continue;
    heads.push({ head, source });
  }
  return heads;
}

/** Every head the log holds, oldest (smallest) first, read from its stream a page at a time. */
async function* loggedHeads(store: EventStore): AsyncGenerator<SignedTreeHead> {
  const page = 1_000;
  for (let from = 1; ; from += page) {
    const { version, events } = await store.readStream(treeHeadsStream.id(), {
      fromVersion: from,
      toVersion: from + page - 1,
    });
    for (const event of events.filter(treeHeadsStream.holds))
      yield { ...event.data, root: Buffer.from(event.data.root, 'hex') };
    if (from + page > version) return;
  }
}
