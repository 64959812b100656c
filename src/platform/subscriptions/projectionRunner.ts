import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { EventStore, GlobalPosition } from '../eventStore/eventStore.js';
import { formatPosition } from '../eventStore/globalPosition.js';
import {
  isLeafProjection,
  isProcessManager,
  subscriberKind,
  type Subscriber,
} from './projection.js';
import { LogTail } from './logTail.js';
import { rebuildReadModels } from './readModelRebuild.js';
import { SharedRead } from './sharedRead.js';
import { Standby } from './standby.js';
import {
  SubscriberWorker,
  type Logger,
  type ProjectionStatus,
  type RunnerOptions,
} from './subscriberWorker.js';

export type {
  ProjectionFailure,
  ProjectionState,
  ProjectionStatus,
  RunnerOptions,
} from './subscriberWorker.js';

/**
 * Runs every subscriber over the global log. The read models that are in step share one read and
 * one transaction per batch (SharedRead); a read model that is behind or failing, and each process
 * manager, runs its own catch-up loop (SubscriberWorker). Of several processes on one database
 * only the leader runs them (leadership.ts); the others stand by, reading its checkpoints
 * (standby.ts).
 */
export class ProjectionRunner {
  private readonly workers: Map<string, SubscriberWorker>;
  private readonly shared: SharedRead;
  private readonly deps: { db: Kysely<Schema>; store: EventStore };
  private readonly standby: Standby;
  private mode: 'leading' | 'standing-by' | 'stopped' = 'stopped';
  private readonly tail: LogTail;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    deps: {
      db: Kysely<Schema>;
      store: EventStore;
      projections: readonly Subscriber[];
      logger: Logger;
      /** Hears checkpoints moved by another process (LISTEN checkpointsChannel). */
      checkpointsMoved?: (wake: () => void) => Promise<() => Promise<void>>;
    },
    options: RunnerOptions = {},
  ) {
    this.deps = deps;
    this.standby = new Standby(
      deps.db,
      deps.projections.map((subscriber) => subscriber.name),
      options.pollIntervalMs ?? 500,
      deps.checkpointsMoved,
    );
    this.tail = new LogTail(deps.store);
    const fed = { ...deps, tail: this.tail };
    this.shared = new SharedRead(fed, options);
    this.workers = new Map(
      deps.projections.map((subscriber) => [
        subscriber.name,
        new SubscriberWorker(subscriber, fed, options, (worker) => this.shared.offer(worker)),
      ]),
    );
  }

  /** One process alone: it applies every projection. */
  async start(): Promise<void> {
    await this.lead();
  }

  /**
   * This process applies the projections (it alone, or the leader of several: leadership.ts),
   * each subscriber from its stored checkpoint: the largest set of read models at one checkpoint
   * (all of them, usually) starts on the shared read; the rest catch up alone and join it later.
   */
  async lead(): Promise<void> {
    this.unsubscribe = await this.deps.store.onAppended(() => this.wakeAll());
    const workers = [...this.workers.values()];
    await Promise.all(workers.map((worker) => worker.loadCheckpoint()));
    const atCheckpoint = new Map<string, SubscriberWorker[]>();
    for (const worker of workers.filter((each) => each.sharesRead)) {
      const key = formatPosition(worker.checkpoint);
      atCheckpoint.set(key, [...(atCheckpoint.get(key) ?? []), worker]);
    }
    const inStep = [...atCheckpoint.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    this.shared.start(inStep);
    for (const worker of workers) if (!inStep.includes(worker)) worker.runAlone();
    // Requests wait on the workers from here; until now the standby answered them.
    this.mode = 'leading';
    await this.standby.stop();
  }

  /**
   * Another process leads: this one stops applying (each projection at a committed checkpoint)
   * and shows and awaits what the leader applies.
   */
  async standBy(): Promise<void> {
    await this.stopApplying();
    this.mode = 'standing-by';
    await this.standby.start();
  }

  /** Finishes the batch in progress, so every projection stops at a committed checkpoint. */
  async stop(): Promise<void> {
    await this.standby.stop();
    await this.stopApplying();
    this.mode = 'stopped';
  }

  private async stopApplying(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
    await this.shared.stop();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }

  /** Each subscriber's state, as this process runs it or as the leading process left it. */
  status(): ProjectionStatus[] {
    return [...this.workers.values()].map((worker) => {
      if (this.applies) return worker.status();
      const { checkpoint, failure } = this.standby.seenOf(worker.name);
      const { name, kind } = worker.status();
      return { name, kind, state: failure ? 'failed' : 'running', checkpoint, failure };
    });
  }

  /** Whether this process applies the projections (it leads, or is alone), or stands by. */
  get applies(): boolean {
    return this.mode !== 'standing-by';
  }

  /**
   * Read-your-writes: resolves true once every read model has applied the event at `position`,
   * false on timeout or when one has failed (the page then shows what it has). What works in the
   * background is not waited for: a process manager, whose work is further events (a copy of
   * record being rendered must not hold up INVIA), and a leaf projection, the tree no page reads
   * right after a write; `background` waits for them too (tests settling).
   */
  async waitFor(
    position: GlobalPosition | null,
    timeoutMs = 5_000,
    options: { background?: boolean } = {},
  ): Promise<boolean> {
    if (!position) return true;
    const awaited = [...this.workers.values()].filter(
      (worker) => worker.sharesRead || options.background,
    );
    if (!this.applies) {
      const names = awaited.map((worker) => worker.name);
      return this.standby.reached(names, position, timeoutMs);
    }
    // Already there (the append's own wake-up is usually quicker than the command's answer).
    if (awaited.every((worker) => worker.hasReached(position))) return true;
    // Or on its way: the shared read is taking in the log's end as it was after the append.
    if (!this.shared.takesInHeard) {
      this.tail.forget();
      this.shared.wake();
    }
    // All at once: the shared read polls soon from now, while any of its read models is awaited.
    const reached = await Promise.all(awaited.map((worker) => worker.reached(position, timeoutMs)));
    return reached.every(Boolean);
  }

  /**
   * Rebuilds a read model beside the live one and swaps it in (readModelRebuild.ts); a reactor is
   * replayed in place instead (SubscriberWorker.replay). Returns the events replayed.
   */
  async rebuild(name: string, onProgress?: (events: number) => void): Promise<number> {
    const worker = this.worker(name);
    if (subscriberKind(worker.subscriber) === 'read-model')
      return this.rebuildTogether([name], onProgress);
    await this.shared.release(worker);
    const events = await worker.replay(onProgress);
    if (this.mode === 'leading') worker.runAlone();
    return events;
  }

  /** Rebuilds read models from one read of the log, and swaps them in together. */
  async rebuildTogether(
    names: readonly string[],
    onProgress?: (events: number) => void,
    signal?: AbortSignal,
  ): Promise<number> {
    const workers = names.map((name) => this.worker(name));
    const readModels = workers.map(({ subscriber, name }) => {
      if (subscriberKind(subscriber) !== 'read-model' || isProcessManager(subscriber))
        throw new Error(`${name} is no read model: it is never rebuilt`);
      return subscriber;
    });
    const tables = new Set(readModels.flatMap((readModel) => readModel.tables));
    const writers = [...this.workers.values()].flatMap(({ subscriber }) =>
      !isProcessManager(subscriber) &&
      !isLeafProjection(subscriber) &&
      subscriber.writesInto?.some((table) => tables.has(table))
        ? [subscriber]
        : [],
    );
    const events = await rebuildReadModels(this.deps, readModels, { onProgress, writers, signal });
    // Their checkpoints moved with the swap: each goes on from there, and joins the others.
    for (const worker of workers) {
      await this.shared.release(worker);
      await worker.reload();
      if (this.mode === 'leading') worker.runAlone();
    }
    return events;
  }

  private worker(name: string): SubscriberWorker {
    const worker = this.workers.get(name);
    if (!worker) throw new Error(`Unknown projection: ${name}`);
    return worker;
  }

  private wakeAll(): void {
    this.tail.forget();
    this.shared.heard();
    for (const worker of this.workers.values()) worker.wake();
  }
}
