import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { recordEvents, type CommandContext } from '../eventStore/commandHandler.js';
import type { EventStore } from '../eventStore/eventStore.js';
import { verifyLog, verifyStream, type ChainBreak } from '../eventStore/verifyLog.js';

/** Every integrity check, from the pages or the CLI, is itself a fact of the record. */
export const verificationsStreamId = 'audit-verifications';

/** The event keeps the first breaks only: enough to start from, and events stay small. */
export const recordedBreaks = 100;

/** What was checked: the whole log, or one stream (its id). */
export type VerificationScope = 'log' | (string & {});

export interface IntegrityVerified {
  readonly type: 'IntegrityVerified';
  readonly data: {
    readonly verificationId: string;
    readonly scope: VerificationScope;
    readonly events: number;
    readonly streams: number;
    /** The first `recordedBreaks` broken links; `breakCount` says how many there were. */
    readonly breaks: readonly ChainBreak[];
    readonly breakCount: number;
    readonly startedAt: string;
    readonly finishedAt: string;
  };
}

export interface Verification {
  readonly verificationId: string;
  readonly scope: VerificationScope;
  readonly events: number;
  readonly streams: number;
  readonly breaks: readonly ChainBreak[];
  readonly breakCount: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/**
 * Runs the check and records it. Starting one is reading the record, not changing it: auditors
 * may do it, and the only thing written is the IntegrityVerified event saying who checked what.
 */
export async function runVerification(
  deps: { store: EventStore; clock: () => Date },
  input: {
    verificationId: string;
    scope: VerificationScope;
    context: Omit<CommandContext, 'commandId' | 'now'>;
    onProgress?: (events: number) => void;
    signal?: AbortSignal;
  },
): Promise<Verification> {
  const startedAt = deps.clock();
  const report =
    input.scope === 'log'
      ? await verifyLog(deps.store, { onProgress: input.onProgress, signal: input.signal })
      : await verifyStream(deps.store, input.scope);
  const verification: Verification = {
    verificationId: input.verificationId,
    scope: input.scope,
    events: report.events,
    streams: report.streams,
    breaks: report.breaks,
    breakCount: report.breaks.length,
    startedAt,
    finishedAt: deps.clock(),
  };
  await recordVerification(deps.store, verification, input.context);
  return verification;
}

async function recordVerification(
  store: EventStore,
  verification: Verification,
  context: Omit<CommandContext, 'commandId' | 'now'>,
): Promise<void> {
  const event: IntegrityVerified = {
    type: 'IntegrityVerified',
    data: {
      verificationId: verification.verificationId,
      scope: verification.scope,
      events: verification.events,
      streams: verification.streams,
      breaks: verification.breaks.slice(0, recordedBreaks),
      breakCount: verification.breakCount,
      startedAt: verification.startedAt.toISOString(),
      finishedAt: verification.finishedAt.toISOString(),
    },
  };
  await recordEvents(store, verificationsStreamId, [event], {
    ...context,
    commandId: verification.verificationId,
    now: verification.finishedAt,
  });
}

/** A verification from the record, for a result page whose job this process no longer holds. */
export async function recordedVerification(
  store: EventStore,
  verificationId: string,
): Promise<(Verification & { actorId: string }) | null> {
  const { events } = await store.readStream(verificationsStreamId);
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    const data = event.data as unknown as IntegrityVerified['data'];
    if (event.type !== 'IntegrityVerified' || data.verificationId !== verificationId) continue;
    return {
      ...data,
      startedAt: new Date(data.startedAt),
      finishedAt: new Date(data.finishedAt),
      actorId: event.metadata.actor.id,
    };
  }
  return null;
}

/** The last verifications recorded (from the pages or the CLI), newest first. */
export async function recentVerifications(store: EventStore, limit: number) {
  const { events } = await store.readStream(verificationsStreamId);
  return events
    .filter((event) => event.type === 'IntegrityVerified')
    .slice(-limit)
    .reverse()
    .map((event) => {
      const data = event.data as unknown as IntegrityVerified['data'];
      return {
        verificationId: data.verificationId,
        scope: data.scope,
        events: data.events,
        breakCount: data.breakCount,
        finishedAt: data.finishedAt,
        actor: event.metadata.actor,
      };
    });
}

/** The number of events, for the progress bar; null when they are not in this database. */
export async function countLogEvents(
  store: EventStore,
  database: Database,
): Promise<number | null> {
  if (!store.chain) return null;
  const { rows } = await sql<{ count: string }>`select count(*) as count from events`.execute(
    database.db,
  );
  return Number(rows[0]?.count ?? 0);
}
