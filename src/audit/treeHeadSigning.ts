import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { treeHeadsStream } from '../../domain/audit/treeHeads.js';
import {
  leafOfEvent,
  merkleTreeProjection,
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
import { signHead, type SealKey, type SignedTreeHead } from '../platform/transparency/treeHead.js';

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

/** The origin line of this portal's heads: the same in each one it signs. */
export const headOrigin = (utilityName: string): string =>
  `Dichiara – ${utilityName} – registro eventi`;

/**
 * Signs the tree as the view has it now and records the head in the log, unless nothing but the
 * last head itself was added since, or the view has not yet taken in every event committed when
 * it was asked (so an event a head leaves out was committed after the head was signed, which the
 * integrity check relies on to name backdated events). Several processes may try at once: the
 * heads stream's expected version lets one through, the others find it already signed.
 */
export async function signTreeHead(
  deps: HeadSigningDeps,
): Promise<{ head: SignedTreeHead; position: GlobalPosition } | null> {
  // The view is usually a few milliseconds behind a busy log: a few tries, a moment apart.
  for (let tries = 1; !(await caughtUp(deps)); tries++) {
    if (tries === 10) return null;
    await pause(200);
  }
  const size = await treeSize(deps.db);
  const last = await latestTreeHead(deps.db);
  if (size === 0) return null;
  if (last) {
    const leaf = await leafOfEvent(deps.db, last.eventId);
    // The tree has not taken the last head in yet, or nothing came after it.
    if (leaf === null || size <= leaf + 1) return null;
  }
  const root = await storedTree(deps.db).root(size);
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
          data: { ...head, root: root.toString('hex') },
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

/** Whether the tree's view has taken in every event committed when this was asked. */
async function caughtUp(deps: HeadSigningDeps): Promise<boolean> {
  const logHead = await deps.store.headPosition();
  const taken = await loadCheckpoint(deps.db, merkleTreeProjection.name);
  return !logHead || comparePositions(taken, logHead) >= 0;
}

/**
 * Signs every minute; a failed signing is logged and tried at the next. Not at start: the tree's
 * view is still catching up then, and its head would be an old one.
 */
export function startTreeHeadSigning(
  deps: HeadSigningDeps,
  logger: Pick<FastifyBaseLogger, 'warn'>,
): { stop(): void } {
  const sign = () =>
    signTreeHead(deps).catch((error: unknown) =>
      logger.warn({ err: error }, 'Tree head not signed'),
    );
  const timer = setInterval(() => void sign(), headIntervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
