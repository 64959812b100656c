import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { treeHeadsStream, type TreeHeadEvent } from '../../domain/audit/treeHeads.js';
import {
  leavesAt,
  merkleTreeProjection,
  MissingSubtreeError,
  storedFrontier,
  storedTree,
  treeSize,
} from '../../projections/audit/merkleTree.js';
import {
  growingTree,
  leafHash,
  verifyInclusion,
  type Hash,
} from '../platform/transparency/merkle.js';
import { hashBytes } from '../platform/transparency/merkleTiles.js';
import { comparePositions } from '../platform/eventStore/globalPosition.js';
import { loadCheckpoint } from '../platform/subscriptions/checkpoints.js';
import { latestTreeHead, type RecordedTreeHead } from '../../projections/audit/treeHeads.js';
import type { Clock } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import {
  WrongExpectedVersionError,
  type EventStore,
  type GlobalPosition,
} from '../platform/eventStore/eventStore.js';
import type { HeadWitness } from './headWitness.js';
import { startOfLeaf, untaggedPast, type FlaggedEvent } from './eventTagCheck.js';
import { tagKeyFrom } from '../platform/eventStore/eventTags.js';
import {
  signHead,
  verifyHead,
  type SealKey,
  type SignedTreeHead,
} from '../platform/transparency/treeHead.js';

/**
 * The log is not what this portal wrote, so no head is signed over it: events the next head would
 * cover were not written by the portal (no valid tag, or a copy), or the tree and the heads kept
 * in the database are not those it made. Someone had the database in hand; the integrity check
 * names what it can.
 */
export class UnsignableLogError extends Error {
  constructor(
    reason: string,
    readonly first: readonly FlaggedEvent[] = [],
  ) {
    const named = first.map((event) => `${event.streamId} v${event.version}`).join(', ');
    super(`${reason}${named ? `: ${named}` : ''}`);
    this.name = 'UnsignableLogError';
  }
}

/** The stored tree no longer holds what the check reads (a rebuild swapped in): not tampering. */
class TreeMovedError extends Error {}

/** A head at least every minute while the log grows. */
export const headIntervalMs = 60_000;

export interface HeadSigningDeps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly seal: SealKey;
  readonly origin: string;
  readonly clock: Clock;
  /** Keeps each head signed outside the database too (none in some tests). */
  readonly witness?: HeadWitness;
}

/** A head as its TreeHeadSigned event and the receipts record it: its signed fields alone. */
export const headData = (head: SignedTreeHead): TreeHeadEvent['data'] => ({
  origin: head.origin,
  size: head.size,
  root: head.root.toString('hex'),
  signedAt: head.signedAt,
  signature: head.signature,
});

/** The origin line of this portal's heads: the same in each one it signs. */
export const headOrigin = (utilityName: string): string =>
  `Dichiara – ${utilityName} – registro eventi`;

/**
 * Signs the tree as the view has it now and records the head in the log, unless nothing but the
 * last head itself was added since, or the view has not yet taken in every event committed when
 * it was asked (so an event a head leaves out was committed after the head was signed, which the
 * integrity check relies on to name backdated events). Several processes may try at once: the
 * heads stream's expected version lets one through, the others find it already signed. Refused
 * (UnsignableLogError) when an event the head would cover is not one the portal wrote.
 */
export async function signTreeHead(
  deps: HeadSigningDeps,
): Promise<{ head: SignedTreeHead; position: GlobalPosition } | null> {
  if (!(await caughtUp(deps))) return null;
  const size = await treeSize(deps.db);
  const last = await latestTreeHead(deps.db);
  if (size === 0) return null;
  if (last) {
    if (size <= last.size) return null; // a tree being rebuilt
    const [leaf = null] = await leavesAt(deps.db, [last.position]);
    // The tree has not taken the last head in yet, or holds nothing but it beyond its size.
    if (leaf === null || (size === last.size + 1 && leaf === last.size)) return null;
  }
  if (await viewBehindKeptHead(deps, last)) return null;
  let root: Hash;
  try {
    root = await rootOverOwnEvents(deps, last, size);
  } catch (error) {
    // The tree's view moved under the check (a rebuild swapped in): try again later.
    if (error instanceof TreeMovedError || error instanceof MissingSubtreeError) return null;
    throw error;
  }
  const head = signHead(
    { origin: deps.origin, size, root, signedAt: deps.clock().toISOString() },
    deps.seal.privateKey,
  );
  const eventId = randomUUID();
  try {
    const { position } = await deps.store.appendToStream(
      treeHeadsStream.id(),
      [
        {
          type: 'TreeHeadSigned',
          data: headData(head),
          metadata: {
            eventId,
            correlationId: eventId,
            causationId: null,
            actor: { id: 'system', role: 'system' },
            clientIp: null,
            occurredAt: head.signedAt,
          },
        },
      ],
      { expectedVersion: last ? last.version : 'no-stream' },
    );
    deps.witness?.keep(head);
    return { head, position };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return null;
    throw error;
  }
}

/**
 * Whether the view's last head is behind the head kept outside the database only because it has
 * not taken in one signed here yet (it is in the log after the view's last): then try again
 * later. A kept head the view does not lead to is named: an older head was put back in the
 * database, or the database is not the one this DATA_DIR kept heads of.
 */
async function viewBehindKeptHead(
  deps: HeadSigningDeps,
  last: RecordedTreeHead | null,
): Promise<boolean> {
  const kept = deps.witness?.read() ?? null;
  if (!kept || kept === 'unreadable' || !verifyHead(kept, deps.seal.publicKey)) return false;
  if (last && kept.size === last.size && !kept.root.equals(last.root))
    throw new UnsignableLogError('The last head in the database is not the one kept outside it');
  if (last && kept.size <= last.size) return false;
  const { events } = await deps.store.readStream(treeHeadsStream.id(), {
    fromVersion: (last?.version ?? 0) + 1,
  });
  if (
    events.some((event) => treeHeadsStream.holds(event) && event.data.signature === kept.signature)
  )
    return true;
  throw new UnsignableLogError(
    'The last head in the database is older than the one kept outside it (DATA_DIR/testa-firmata.json): restored or rolled back',
  );
}

/**
 * The root of the first `size` leaves, grown by this process from the last head it signed and the
 * events past it, each checked as its own: nothing the database says is taken on its word. The
 * last head in the view must be signed with this key and the stored subtrees under it must give
 * its root; the events past it must carry their tags, copy no earlier event, and link to their
 * streams' previous links (proved in the last head where they lie under it); the stored tree must
 * then have the root grown here.
 */
async function rootOverOwnEvents(
  deps: HeadSigningDeps,
  last: SignedTreeHead | null,
  size: number,
): Promise<Hash> {
  const grown = growingTree(last ? await storedFrontier(deps.db, last.size) : []);
  if (last && !(verifyHead(last, deps.seal.publicKey) && grown.root().equals(last.root)))
    throw new UnsignableLogError('The last head in the database is not the one this portal signed');
  const tree = storedTree(deps.db);
  const from = last?.size ?? 0;
  const checked = await untaggedPast(
    { ...deps, tagKey: tagKeyFrom(deps.seal) },
    await startOfLeaf(deps.db, from),
    {
      count: size - from,
      untaggedBelow: deps.witness?.untaggedBelow() ?? 0,
      linkBefore: async (streamId, version) => {
        if (!last) return null;
        const [previous] = (
          await deps.store.readStream(streamId, {
            fromVersion: version - 1,
            toVersion: version - 1,
          })
        ).events;
        const [leaf = null] = previous ? await leavesAt(deps.db, [previous.position]) : [];
        if (!previous || leaf === null) throw new TreeMovedError();
        if (leaf >= last.size) return null;
        const proof = await tree.inclusionProof(leaf, last.size);
        const proved = verifyInclusion(
          leafHash(Buffer.from(previous.hash, 'hex')),
          leaf,
          last.size,
          proof,
          last.root,
        );
        return proved ? previous.hash : null;
      },
    },
  );
  if (checked.count > 0)
    throw new UnsignableLogError(
      `${checked.count} event(s) past the last signed head not written by this portal`,
      checked.first,
    );
  if (checked.mislinked > 0)
    throw new UnsignableLogError(
      `${checked.mislinked} event(s) past the last signed head are not linked to their streams`,
    );
  if (checked.leaves.length !== (size - from) * hashBytes)
    throw new UnsignableLogError('The events past the last head are not the tree’s leaves');
  for (let at = 0; at < checked.leaves.length; at += hashBytes)
    grown.add(checked.leaves.subarray(at, at + hashBytes));
  const root = grown.root();
  if (!root.equals(await tree.root(size)))
    throw new UnsignableLogError('The stored Merkle tree is not the log’s events');
  return root;
}

/**
 * Whether the tree's view takes in, within a few seconds, every event committed when this was
 * asked: it is usually milliseconds behind a busy log, so the log's head is read once and the
 * view waited for (not the moving end of a log that keeps growing).
 */
async function caughtUp(deps: HeadSigningDeps): Promise<boolean> {
  const logHead = await deps.store.headPosition();
  if (!logHead) return true;
  for (let tries = 0; tries < 50; tries++) {
    const taken = await loadCheckpoint(deps.db, merkleTreeProjection.name);
    if (comparePositions(taken, logHead) >= 0) return true;
    await pause(200);
  }
  return false;
}

/**
 * Signs every minute; a failed signing is logged and tried at the next. Not at start: the tree's
 * view is still catching up then, and its head would be an old one.
 */
export function startTreeHeadSigning(
  deps: HeadSigningDeps,
  logger: Pick<FastifyBaseLogger, 'warn' | 'error'>,
): { stop(): void } {
  const sign = () =>
    signTreeHead(deps).catch((error: unknown) =>
      error instanceof UnsignableLogError
        ? logger.error(
            { err: error },
            'Tree head not signed: the log is not what this portal wrote',
          )
        : logger.warn({ err: error }, 'Tree head not signed'),
    );
  const timer = setInterval(() => void sign(), headIntervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
