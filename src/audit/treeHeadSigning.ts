import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { treeHeadsStream, type TreeHeadEvent } from '../../domain/audit/treeHeads.js';
import {
  leavesAt,
  merkleTreeProjection,
  storedLeaves,
  storedTree,
  treeSize,
} from '../../projections/audit/merkleTree.js';
import { comparePositions } from '../platform/eventStore/globalPosition.js';
import { loadCheckpoint } from '../platform/subscriptions/checkpoints.js';
import { latestTreeHead } from '../../projections/audit/treeHeads.js';
import type { Clock } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import {
  WrongExpectedVersionError,
  type EventStore,
  type GlobalPosition,
} from '../platform/eventStore/eventStore.js';
import type { HeadWitness } from './headWitness.js';
import {
  startOfLeaf,
  untaggedMayFollow,
  untaggedPast,
  type FlaggedEvent,
} from './eventTagCheck.js';
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
    const [leaf = null] = await leavesAt(deps.db, [last.position]);
    // The tree has not taken the last head in yet, or holds nothing but it beyond its size.
    if (leaf === null || (size === last.size + 1 && leaf === last.size)) return null;
  }
  const tree = storedTree(deps.db);
  // The last head as the view keeps it, and the tree up to it, are the database's word: both
  // must be what this portal signed before the events past them are taken as its own.
  if (
    last &&
    !(verifyHead(last, deps.seal.publicKey) && (await tree.root(last.size)).equals(last.root))
  )
    throw new UnsignableLogError('The last head in the database is not the one this portal signed');
  const from = last?.size ?? 0;
  const checked = await untaggedPast(
    { ...deps, tagKey: tagKeyFrom(deps.seal) },
    await startOfLeaf(deps.db, from),
    { count: size - from, untaggedMayFollow: untaggedMayFollow(last) },
  );
  if (checked.count > 0)
    throw new UnsignableLogError(
      `${checked.count} event(s) past the last signed head not written by this portal`,
      checked.first,
    );
  // The events checked are the leaves signed: the tree's places cannot point the check elsewhere.
  if (!checked.leaves.equals((await storedLeaves(deps.db, from, size - from)) ?? Buffer.alloc(0)))
    throw new UnsignableLogError('The Merkle tree past the last head is not the log’s events');
  const root = await tree.root(size);
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
