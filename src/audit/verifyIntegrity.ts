import { singleStream } from '../../domain/shared/streamCodec.js';
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import { recordEvents, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { Actor, EventStore, RecordedEvent } from '../platform/eventStore/eventStore.js';
import { verifyLog, verifyStream, type ChainBreak } from '../platform/eventStore/verifyLog.js';
import { findFromTail, readTail } from './auditStreams.js';
import { checkTree, type TreeCheck, type TreeCheckDeps } from './treeCheck.js';
import { JobHandedOver } from './verifyJobs.js';

/** Every integrity check, from the pages or the CLI, is itself a fact of the record. */
export const verificationsStream = singleStream<IntegrityVerified | IntegrityVerificationFailed>(
  'audit-verifications',
);

/** The event keeps the first breaks only: enough to start from, and events stay small. */
export const recordedBreaks = 100;

/** What was checked: the whole log, or one stream (its id). */
export type VerificationScope = 'log' | (string & {});

/** A stream's last link when it was checked, for a third party to compare an export with. */
export interface ChainHead {
  readonly version: number;
  readonly hash: string;
}

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
    /** One stream's head as checked (absent on the whole log, and on events before it). */
    readonly head?: ChainHead | null;
    /** The whole log's Merkle tree and signed heads (absent on one stream, and on older events). */
    readonly tree?: TreeCheck;
    readonly startedAt: string;
    readonly finishedAt: string;
  };
}

/**
 * A check that did not reach its end: the service failed (`failed`), or was stopping
 * (`aborted`). Recorded too, so the record shows every check started, not only the good ones.
 */
export interface IntegrityVerificationFailed {
  readonly type: 'IntegrityVerificationFailed';
  readonly data: {
    readonly verificationId: string;
    readonly scope: VerificationScope;
    readonly outcome: 'failed' | 'aborted';
    readonly reason: string;
    /** Events checked before it stopped. */
    readonly events: number;
    readonly startedAt: string;
    readonly stoppedAt: string;
  };
}

export interface Verification {
  readonly verificationId: string;
  readonly scope: VerificationScope;
  readonly events: number;
  readonly streams: number;
  readonly breaks: readonly ChainBreak[];
  readonly breakCount: number;
  readonly head: ChainHead | null;
  readonly tree: TreeCheck | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

type Context = Omit<CommandContext, 'commandId' | 'now'>;

/** Thrown when a check stopped and even its failure could not be recorded. */
export class VerificationNotRecordedError extends AggregateError {
  override readonly name = 'VerificationNotRecordedError';
}

/**
 * Runs the check and records it. Starting one is reading the record, not changing it: auditors
 * may do it, and the only thing written is the event saying who checked what and how it ended
 * (IntegrityVerified, or IntegrityVerificationFailed with the reason, then the error rethrown).
 */
export async function runVerification(
  deps: {
    store: EventStore;
    clock: () => Date;
    /** For the whole log: the tree and the heads it is compared with. */
    transparency: Omit<TreeCheckDeps, 'store'>;
  },
  input: {
    verificationId: string;
    scope: VerificationScope;
    context: Context;
    onProgress?: (events: number) => void;
    signal?: AbortSignal;
  },
): Promise<Verification> {
  const startedAt = deps.clock();
  let checked = 0;
  const onProgress = (events: number) => {
    checked = events;
    input.onProgress?.(events);
  };
  let verification: Verification;
  try {
    const { report, head, tree } =
      input.scope === 'log'
        ? await checkLog(deps, { onProgress, signal: input.signal })
        : { ...(await checkStream(deps.store, input.scope)), tree: null };
    verification = {
      verificationId: input.verificationId,
      scope: input.scope,
      events: report.events,
      streams: report.streams,
      breaks: report.breaks,
      breakCount: report.breaks.length,
      head,
      tree,
      startedAt,
      finishedAt: deps.clock(),
    };
  } catch (error) {
    // Another process of the portal goes on with it, under the same id: it records the outcome.
    if (input.signal?.reason instanceof JobHandedOver) throw error;
    const failure: IntegrityVerificationFailed = {
      type: 'IntegrityVerificationFailed',
      data: {
        verificationId: input.verificationId,
        scope: input.scope,
        outcome: input.signal?.aborted ? 'aborted' : 'failed',
        reason: reasonOf(error, input.signal),
        events: checked,
        startedAt: startedAt.toISOString(),
        stoppedAt: deps.clock().toISOString(),
      },
    };
    try {
      await record(deps.store, failure, input.verificationId, input.context, deps.clock());
    } catch (recordError) {
      throw new VerificationNotRecordedError(
        [error, recordError],
        'The verification stopped and its failure could not be recorded',
      );
    }
    throw error;
  }
  await record(
    deps.store,
    verifiedEvent(verification),
    verification.verificationId,
    input.context,
    verification.finishedAt,
  );
  return verification;
}

/** Every stream's chain, and the tree over the log against its signed heads, side by side. */
export async function checkLog(
  deps: Pick<Parameters<typeof runVerification>[0], 'store' | 'transparency'>,
  options: { onProgress?: (events: number) => void; signal?: AbortSignal } = {},
) {
  // Either failing stops the other: the check is recorded as failed once, not left running.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const stopOnFailure = <T>(work: Promise<T>) =>
    work.catch((error: unknown) => {
      stop.abort(error);
      throw error;
    });
  const [report, tree] = await Promise.all([
    stopOnFailure(verifyLog(deps.store, { ...options, signal })),
    stopOnFailure(checkTree({ ...deps.transparency, store: deps.store }, { signal })),
  ]);
  // An event altered or added in a stream loses its tag too: it is named once, by its chain.
  const broken = new Set(report.breaks.map((b) => `${b.streamId}\n${b.version}`));
  const problems = tree.problems.filter(
    (p) => !('streamId' in p) || !broken.has(`${p.streamId}\n${p.version}`),
  );
  return { report, head: null, tree: { ...tree, problems } };
}

/** One stream's chain, and its last stored link as the head a third party compares with. */
async function checkStream(store: EventStore, streamId: string) {
  const report = await verifyStream(store, streamId);
  const { events } = await readTail(store, streamId, 1);
  const last = events.at(-1);
  return { report, head: last ? { version: last.version, hash: last.hash } : null };
}

function reasonOf(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return 'Il servizio si stava arrestando: verifica interrotta.';
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 500) || 'Errore sconosciuto';
}

function verifiedEvent(verification: Verification): IntegrityVerified {
  return {
    type: 'IntegrityVerified',
    data: {
      verificationId: verification.verificationId,
      scope: verification.scope,
      events: verification.events,
      streams: verification.streams,
      breaks: verification.breaks.slice(0, recordedBreaks),
      breakCount: verification.breakCount,
      ...(verification.scope === 'log' ? {} : { head: verification.head }),
      ...(verification.tree ? { tree: verification.tree } : {}),
      startedAt: verification.startedAt.toISOString(),
      finishedAt: verification.finishedAt.toISOString(),
    },
  };
}

async function record(
  store: EventStore,
  event: IntegrityVerified | IntegrityVerificationFailed,
  verificationId: string,
  context: Context,
  now: Date,
): Promise<void> {
  await recordEvents(store, verificationsStream.id(), [event], {
    ...context,
    commandId: verificationId,
    now,
  });
}

/** A verification as the record tells it, finished or stopped. */
export type RecordedVerification =
  | (Verification & { readonly outcome: 'verified'; readonly actor: Actor })
  | {
      readonly outcome: 'failed' | 'aborted';
      readonly verificationId: string;
      readonly scope: VerificationScope;
      readonly events: number;
      readonly reason: string;
      readonly startedAt: Date;
      readonly finishedAt: Date;
      readonly actor: Actor;
    };

function fromEvent(event: RecordedEvent): RecordedVerification | null {
  if (!verificationsStream.holds(event)) return null;
  const actor = event.metadata.actor;
  if (event.type === 'IntegrityVerified') {
    const { data } = event;
    return {
      ...data,
      outcome: 'verified',
      head: data.head ?? null,
      tree: data.tree ?? null,
      startedAt: new Date(data.startedAt),
      finishedAt: new Date(data.finishedAt),
      actor,
    };
  }
  if (event.type === 'IntegrityVerificationFailed') {
    const { data } = event;
    return {
      outcome: data.outcome,
      verificationId: data.verificationId,
      scope: data.scope,
      events: data.events,
      reason: data.reason,
      startedAt: new Date(data.startedAt),
      finishedAt: new Date(data.stoppedAt),
      actor,
    };
  }
  return null;
}

/** A verification from the record, for a result page whose job this process no longer holds. */
export async function recordedVerification(
  store: EventStore,
  verificationId: string,
): Promise<RecordedVerification | null> {
  const event = await findFromTail(
    store,
    verificationsStream.id(),
    (candidate) =>
      (candidate.data as { verificationId?: unknown }).verificationId === verificationId &&
      fromEvent(candidate) !== null,
  );
  return event ? fromEvent(event) : null;
}

/** The last verifications recorded (from the pages or the CLI), newest first. */
export async function recentVerifications(
  store: EventStore,
  limit: number,
): Promise<RecordedVerification[]> {
  const { events } = await readTail(store, verificationsStream.id(), limit);
  return events.flatMap((event) => fromEvent(event) ?? []).reverse();
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
