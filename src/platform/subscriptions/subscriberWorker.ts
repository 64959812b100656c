import type { FastifyBaseLogger } from 'fastify';
import { setTimeout as gather } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { LogLeaves } from '../eventStore/chainReader.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import { comparePositions, formatPosition, startOfLog } from '../eventStore/globalPosition.js';
import { logLeaves } from '../eventStore/logLinks.js';
import {
  CheckpointMovedError,
  loadCheckpoint,
  lockCheckpointRows,
  moveCheckpoints,
  recordFailure,
  saveCheckpoints,
} from './checkpoints.js';
import {
  isLeafProjection,
  isProcessManager,
  subscriberKind,
  type ProcessManager,
  type Projection,
  type Subscriber,
  type SubscriberKind,
} from './projection.js';
import type { LogTail } from './logTail.js';
import { readAhead } from './readAhead.js';
import { LogBatch } from './storableText.js';
import { Waiters } from './waiters.js';
import { Wakeable } from './wakeable.js';

export type Logger = Pick<FastifyBaseLogger, 'warn' | 'error'>;

export type ProjectionState = 'idle' | 'running' | 'failed' | 'stopped';

export interface ProjectionFailure {
  readonly message: string;
  readonly streamId: string;
  readonly version: number;
  readonly eventType: string;
  readonly at: Date;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly kind: SubscriberKind;
  readonly state: ProjectionState;
  readonly checkpoint: GlobalPosition;
  readonly failure: ProjectionFailure | null;
}

export interface RunnerOptions {
  readonly batchSize?: number;
  /** Wake-ups come by LISTEN/NOTIFY; polling covers lost notifications and held-back commits. */
  readonly pollIntervalMs?: number;
}

export interface WorkerDeps {
  readonly db: Kysely<Schema>;
  readonly store: EventStore;
  readonly logger: Logger;
  /** The log as the runner's subscribers read it, one read for all of them at one place. */
  readonly tail: LogTail;
}

/**
 * How long a leaf projection gathers the log after taking in the end of it: the tree is read by
 * receipts and heads that wait for it anyway, and one batch every 100 ms costs the writers of a
 * busy log far less than a batch, a tile rewritten and a transaction per append.
 */
const leafGatherMs = 100;

/** What one read gave a subscriber: its events, or their leaves alone for a leaf projection. */
interface Batch {
  readonly count: number;
  /** Where the next read starts: the last event's position, or the checkpoint when empty. */
  readonly last: GlobalPosition;
  readonly events?: readonly RecordedEvent[];
  readonly leaves?: LogLeaves;
}

/**
 * One subscriber's checkpoint and state. It is fed either by the runner's shared read (while it is
 * in step with the other read models) or by its own catch-up loop: at start, after a failed
 * batch, after a rebuild or a reactor's replay, and always for a process manager, whose commands
 * must not hold up the read models, and for a leaf projection, which reads the log's leaves
 * rather than its events. Either way it reads through the runner's LogTail. `onCaughtUp` is
 * asked, when its own loop reaches the end of the log, whether the shared read takes it over; if
 * so the loop ends.
 */
export class SubscriberWorker extends Wakeable {
  /** Where it has read to. */
  checkpoint: GlobalPosition = startOfLog;
  /** Where its stored checkpoint is: behind `checkpoint` after batches with nothing it follows. */
  private saved: GlobalPosition = startOfLog;
  private state: ProjectionState = 'stopped';
  private failure: ProjectionFailure | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly waiters = new Waiters();
  /** When saveSkippedAtRest last saved (Date.now()). */
  private skippedSavedAt = 0;
  /** Aborted by stop(): a process manager waiting in its handler gives up. */
  private stopping = new AbortController();

  constructor(
    readonly subscriber: Subscriber,
    private readonly deps: WorkerDeps,
    private readonly options: RunnerOptions,
    private readonly onCaughtUp: (worker: SubscriberWorker) => boolean,
  ) {
    super(options.pollIntervalMs ?? 500);
  }

  get name(): string {
    return this.subscriber.name;
  }

  /** A read model of the events themselves: one the shared read can feed. */
  get sharesRead(): boolean {
    return !isProcessManager(this.subscriber) && !isLeafProjection(this.subscriber);
  }

  get isFailed(): boolean {
    return this.state === 'failed';
  }

  async loadCheckpoint(): Promise<void> {
    this.checkpoint = this.saved = await loadCheckpoint(this.deps.db, this.name);
  }

  /** Its own loop again, from the checkpoint it holds (after leaving the shared read). */
  runAlone(): void {
    this.stopping = new AbortController();
    this.running = true;
    this.failure = null;
    this.state = 'running';
    this.loop = this.run();
  }

  /** Marks it fed by the shared read: running, with no loop of its own. */
  joinShared(): void {
    this.state = 'running';
  }

  /** Stops its own loop, if any, after the batch in progress, its checkpoint saved. */
  async stop(): Promise<void> {
    await this.halt();
    await this.saveSkipped();
  }

  private async halt(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.wake();
    await this.loop;
    this.loop = null;
    if (this.state !== 'failed') this.state = 'stopped';
  }

  get hasOwnLoop(): boolean {
    return this.loop !== null && this.running;
  }

  status(): ProjectionStatus {
    return {
      name: this.name,
      kind: subscriberKind(this.subscriber),
      state: this.state,
      checkpoint: this.checkpoint,
      failure: this.failure,
    };
  }

  /** Moved by the shared read, which applied a batch for it. */
  advancedTo(position: GlobalPosition): void {
    this.checkpoint = this.saved = position;
    this.notifyWaiters();
  }

  /** A request waits for it to reach a position (read-your-writes). */
  override get awaited(): boolean {
    return this.waiters.size > 0;
  }

  hasReached(position: GlobalPosition): boolean {
    return comparePositions(this.checkpoint, position) >= 0;
  }

  async reached(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    if (this.hasReached(position)) return true;
    this.wake();
    return this.waiters.until(() => {
      if (this.hasReached(position)) return true;
      return this.state === 'failed' || this.state === 'stopped' ? false : null;
    }, timeoutMs);
  }

  /**
   * Replays the whole log into a reactor, in place: its own tables emptied, its effects given again
   * under the keys that make them once (a mail's outbox key). Read models are rebuilt beside the
   * live ones instead (readModelRebuild.ts); a process manager never is.
   */
  async replay(onProgress?: (events: number) => void): Promise<number> {
    const subscriber = this.subscriber;
    if (isProcessManager(subscriber)) {
      // Replaying history would give its commands again: it keeps its own checkpoint.
      throw new Error(`${this.name} is a process manager: it is never rebuilt`);
    }
    await this.stop();
    this.stopping = new AbortController();
    await this.deps.db.transaction().execute(async (trx) => {
      // Another process applying a batch now commits first: its rows are then seen and emptied.
      await lockCheckpointRows(trx, [this.name]);
      for (const table of subscriber.tables) await sql`delete from ${sql.id(table)}`.execute(trx);
      await saveCheckpoints(trx, [this.name], startOfLog);
    });
    this.checkpoint = this.saved = startOfLog;
    this.failure = null;
    let events = 0;
    // Bigger batches, the next one read while this one is applied.
    const limit = Math.max(this.options.batchSize ?? 1_000, 5_000);
    for await (const batch of readAhead((after) => this.fetch(after, limit), startOfLog)) {
      await this.apply(batch);
      events += batch.count;
      onProgress?.(events);
    }
    return events;
  }

  /**
   * Stops, and takes its checkpoint again from the database, where a rebuild moved it: what it
   * held in memory is not saved over it.
   */
  async reload(): Promise<void> {
    await this.halt();
    await this.loadCheckpoint();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1_000;
    // After a failed batch, events go one at a time up to the end of that batch: the failing
    // event is then named exactly, and a passing glitch costs only a slower stretch.
    let isolateUntil: GlobalPosition | null = null;
    let attempts = 0;
    while (this.running) {
      /**
       * Set after taking in the log's end (a batch shorter than asked): a leaf projection then
       * gathers before reading on, the others sleep until woken by an append or the poll, rather
       * than read the end again at once.
       */
      let tookTheEnd = false;
      const size =
        isolateUntil && comparePositions(this.checkpoint, isolateUntil) < 0 ? 1 : batchSize;
      const batch = await this.read(size);
      if (!batch) continue;
      if (batch.count === 0) {
        if (!isolateUntil && (await this.joinedSharedRead())) break;
        await this.saveSkippedAtRest();
        await this.sleep();
        continue;
      }
      try {
        await this.apply(batch);
        attempts = 0;
        tookTheEnd = batch.count < size;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          await this.loadCheckpoint();
        } else if (batch.count > 1) {
          isolateUntil = batch.last;
        } else if (++attempts >= 3) {
          await this.fail(error, batch);
        } else {
          await pause(100 * 2 ** attempts);
        }
      }
      if (isolateUntil && comparePositions(this.checkpoint, isolateUntil) >= 0) isolateUntil = null;
      this.notifyWaiters();
      if (!tookTheEnd || isolateUntil) continue;
      if (isLeafProjection(this.subscriber))
        await gather(leafGatherMs, undefined, { signal: this.stopping.signal }).catch(
          () => undefined,
        );
      else if (await this.joinedSharedRead()) break;
      else {
        await this.saveSkippedAtRest();
        await this.sleep();
      }
    }
    this.loop = null;
  }

  /**
   * At the log's end, what it skipped is saved now and then: a process that takes over after
   * this one was killed goes on from there, not from the last event it followed.
   */
  private async saveSkippedAtRest(): Promise<void> {
    if (Date.now() - this.skippedSavedAt < skippedSaveMs) return;
    this.skippedSavedAt = Date.now();
    await this.saveSkipped();
  }

  /**
   * At the log's end, a read model is offered to the shared read, which then feeds it and ends
   * its loop. The shared read moves stored checkpoints: it takes one saved where it has read to.
   */
  private async joinedSharedRead(): Promise<boolean> {
    if (!this.sharesRead) return false;
    await this.saveSkipped();
    if (comparePositions(this.saved, this.checkpoint) !== 0 || !this.onCaughtUp(this)) return false;
    this.running = false;
    return true;
  }

  /** The next events after the checkpoint; null after a read error (logged, retried later). */
  private async read(limit: number): Promise<Batch | null> {
    try {
      this.clearWake();
      return await this.fetch(this.checkpoint, limit);
    } catch (error) {
      this.deps.logger.warn({ err: error, projection: this.name }, 'Reading the log failed');
      await pause(1_000);
      return null;
    }
  }

  /** The next events after `after`, or their leaves alone for a leaf projection. */
  private async fetch(after: GlobalPosition, limit: number): Promise<Batch> {
    if (isLeafProjection(this.subscriber)) {
      const leaves = await logLeaves(this.deps.store, after, limit);
      return leaves
        ? { count: leaves.count, last: leaves.last, leaves }
        : { count: 0, last: after };
    }
    const events = await this.deps.tail.read(after, limit);
    return { count: events.length, last: events.at(-1)?.position ?? after, events };
  }

  /**
   * Applies one batch and moves the checkpoint in the same transaction; a batch with nothing the
   * subscriber follows moves it in memory only (ProcessManager.follows).
   */
  private async apply(batch: Batch): Promise<void> {
    const { subscriber } = this;
    const given =
      batch.events && !isLeafProjection(subscriber)
        ? new LogBatch(batch.events).for(subscriber).filter((event) => followed(subscriber, event))
        : [];
    if (!isLeafProjection(subscriber) && subscriber.follows && given.length === 0) {
      this.checkpoint = batch.last;
      return;
    }
    if (isProcessManager(subscriber)) await subscriber.handle(given, this.stopping.signal);
    await this.deps.db.transaction().execute(async (trx) => {
      await moveCheckpoints(trx, [this.name], this.saved, batch.last);
      if (isLeafProjection(subscriber)) await subscriber.applyLeaves(trx, batch.leaves!);
      else if (!isProcessManager(subscriber)) await subscriber.apply(trx, given);
    });
    this.checkpoint = this.saved = batch.last;
  }

  /** Saves a checkpoint moved in memory only, unless another process moved it meanwhile. */
  private async saveSkipped(): Promise<void> {
    if (comparePositions(this.checkpoint, this.saved) === 0) return;
    const moved = this.checkpoint;
    try {
      await moveCheckpoints(this.deps.db, [this.name], this.saved, moved);
      this.saved = moved;
    } catch (error) {
      // Either way it reads that stretch again after a restart, finding nothing in it again.
      if (!(error instanceof CheckpointMovedError))
        this.deps.logger.warn({ err: error, projection: this.name }, 'Checkpoint not saved');
    }
  }

  /**
   * Stops at the batch's one event, named: read again when the batch held its leaves alone (if
   * that read fails too, the log is out of reach, and the loop goes on trying instead).
   */
  private async fail(error: unknown, batch: Batch): Promise<void> {
    const [event] =
      batch.events ??
      (await this.deps.store.readAll({ after: this.checkpoint, limit: 1 }).catch(() => []));
    if (!event) {
      await pause(1_000);
      return;
    }
    this.failure = {
      message: error instanceof Error ? error.message : String(error),
      streamId: event.streamId,
      version: event.version,
      eventType: event.type,
      at: new Date(),
    };
    this.state = 'failed';
    this.running = false;
    await recordFailure(this.deps.db, this.name, {
      ...this.failure,
      at: this.failure.at.toISOString(),
    }).catch(() => undefined); // the database may be why it failed: the log below says it anyway
    this.deps.logger.error(
      {
        err: error,
        projection: this.name,
        checkpoint: formatPosition(this.checkpoint),
        streamId: event.streamId,
        version: event.version,
      },
      `Projection ${this.name} stopped at ${event.type} ${event.streamId}@${event.version}`,
    );
  }

  private notifyWaiters(): void {
    this.waiters.notify();
  }

  protected override get active(): boolean {
    return this.running;
  }
}

/** Whether `subscriber` acts on `event`: all of them unless it says which (`follows`). */
const followed = (subscriber: Projection | ProcessManager, event: RecordedEvent): boolean =>
  subscriber.follows?.(event) ?? true;

/** How often a subscriber at rest saves the checkpoint it moved past events it skips. */
const skippedSaveMs = 5_000;

export const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
