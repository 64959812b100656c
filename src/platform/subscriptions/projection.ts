import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { LogLeaves } from '../eventStore/chainReader.js';
import type { RecordedEvent } from '../eventStore/eventStore.js';

/**
 * A read model fed by the global log. `apply` runs inside the transaction that also moves the
 * projection's checkpoint, so each event takes effect exactly once.
 */
export interface Projection {
  readonly name: string;
  /**
   * Given the events exactly as stored, text PostgreSQL cannot hold included: for a copy of the
   * log itself (in `json`, which keeps it). The others get it storable (storableText.ts).
   */
  readonly verbatim?: boolean;
  apply(trx: Transaction<Schema>, events: readonly RecordedEvent[]): Promise<void>;
  /** The tables it alone writes: what a rebuild builds afresh beside them and swaps in. */
  readonly tables: readonly string[];
  /**
   * Its effect lies outside the read models (mail sent, keys destroyed): the rebuilds people ask
   * for (command line, auditors' page) leave it where it is, on its own checkpoint.
   */
  readonly reactor?: true;
  /** The events it acts on, when it runs alone (a reactor): see ProcessManager.follows. */
  follows?(event: RecordedEvent): boolean;
  /**
   * Other read models' tables it changes (the erasure of personal data scrubs them). A rebuild of
   * one of them, begun before an event it follows was appended, read what that event changes
   * unchanged: it is not swapped in (readModelRebuild.ts).
   */
  readonly writesInto?: readonly string[];
}

/**
 * Reacts to events with commands on other streams. Commands cannot share the checkpoint's
 * transaction (the event store may be another database), so `handle` runs before the checkpoint
 * moves and must be idempotent: a command id derived from the event makes a replay a no-op.
 */
export interface ProcessManager {
  readonly name: string;
  /** `stopping` is aborted when the runner stops: a handler that waits must give up then. */
  handle(events: readonly RecordedEvent[], stopping: AbortSignal): Promise<void>;
  /**
   * The events it acts on. A batch with none only moves its checkpoint in memory: no handler
   * called, no transaction; the checkpoint is saved with its next batch that holds one, or when
   * it stops. After a crash it reads that stretch again, finding nothing in it again.
   */
  follows?(event: RecordedEvent): boolean;
}

/**
 * A read model of the log's leaves alone, each event's leaf hash and place in log order: the
 * Merkle tree over the log. Fed in a loop of its own by the store's light read (logLinks.ts), it
 * never decodes an event, so following a busy log or rebuilding over millions costs it little.
 * Like a projection's, `applyLeaves` runs in the transaction that moves its checkpoint.
 */
export interface LeafProjection {
  readonly name: string;
  applyLeaves(trx: Transaction<Schema>, leaves: LogLeaves): Promise<void>;
  /** The tables it alone writes, as a projection's. */
  readonly tables: readonly string[];
}

export type Subscriber = Projection | ProcessManager | LeafProjection;

export const isProcessManager = (subscriber: Subscriber): subscriber is ProcessManager =>
  'handle' in subscriber;

export const isLeafProjection = (subscriber: Subscriber): subscriber is LeafProjection =>
  'applyLeaves' in subscriber;

/**
 * What a subscriber is to a rebuild: a read model is rebuilt beside the live one and swapped in;
 * a reactor is not (its history's mail went once); a process manager never can be (its commands
 * were given once).
 */
export type SubscriberKind = 'read-model' | 'reactor' | 'process-manager';

export const subscriberKind = (subscriber: Subscriber): SubscriberKind =>
  isProcessManager(subscriber)
    ? 'process-manager'
    : !isLeafProjection(subscriber) && subscriber.reactor
      ? 'reactor'
      : 'read-model';
