import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';

type Logger = Pick<FastifyBaseLogger, 'warn' | 'error'>;
import type { Schema } from '../db/schema.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import { comparePositions, formatPosition, startOfLog } from '../eventStore/globalPosition.js';
import { isProcessManager, type Subscriber } from './projection.js';

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
  readonly state: ProjectionState;
  readonly checkpoint: GlobalPosition;
  readonly failure: ProjectionFailure | null;
}

export interface RunnerOptions {
  readonly batchSize?: number;
  /** Wake-ups come by LISTEN/NOTIFY; polling covers lost notifications and held-back commits. */
  readonly pollIntervalMs?: number;
}

class CheckpointMovedError extends Error {}

/** Runs each projection as its own catch-up loop over the global log. */
export class ProjectionRunner {
  private readonly workers: Map<string, Worker>;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    private readonly deps: {
      db: Kysely<Schema>;
      store: EventStore;
      projections: readonly Subscriber[];
      logger: Logger;
    },
    private readonly options: RunnerOptions = {},
  ) {
    this.workers = new Map(deps.projections.map((p) => [p.name, new Worker(p, deps, options)]));
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.deps.store.onAppended(() => {
      for (const worker of this.workers.values()) worker.wake();
    });
    await Promise.all([...this.workers.values()].map((worker) => worker.start()));
  }

  /** Finishes the batch in progress, so every projection stops at a committed checkpoint. */
  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }

  status(): ProjectionStatus[] {
    return [...this.workers.values()].map((worker) => worker.status());
  }

  /**
   * Read-your-writes: resolves true once every read model has applied the event at `position`,
   * false on timeout or when one has failed (the page then shows what it has). Process managers
   * are not waited for: what they do is further events, not what the page reads (a copy of record
   * being rendered must not hold up INVIA); `processManagers` waits for them too (tests settling).
   */
  async waitFor(
    position: GlobalPosition | null,
    timeoutMs = 5_000,
    options: { processManagers?: boolean } = {},
  ): Promise<boolean> {
    if (!position) return true;
    const deadline = Date.now() + timeoutMs;
    for (const worker of this.workers.values()) {
      if (worker.isProcessManager && !options.processManagers) continue;
      if (!(await worker.reached(position, deadline - Date.now()))) return false;
    }
    return true;
  }

  /** Empties a read model and replays the whole log into it. */
  async rebuild(name: string, onProgress?: (events: number) => void): Promise<number> {
    const worker = this.workers.get(name);
    if (!worker) throw new Error(`Unknown projection: ${name}`);
    return worker.rebuild(onProgress);
  }
}

class Worker {
  private checkpoint: GlobalPosition = startOfLog;
  private state: ProjectionState = 'stopped';
  private failure: ProjectionFailure | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private waiters = new Set<() => void>();

  get isProcessManager(): boolean {
    return isProcessManager(this.projection);
  }

  constructor(
    private readonly projection: Subscriber,
    private readonly deps: { db: Kysely<Schema>; store: EventStore; logger: Logger },
    private readonly options: RunnerOptions,
  ) {}

  async start(): Promise<void> {
    this.checkpoint = await this.loadCheckpoint();
    this.running = true;
    this.failure = null;
    this.state = 'running';
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    if (this.state !== 'failed') this.state = 'stopped';
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  status(): ProjectionStatus {
    const { name } = this.projection;
    return { name, state: this.state, checkpoint: this.checkpoint, failure: this.failure };
  }

  async reached(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const done = () => comparePositions(this.checkpoint, position) >= 0;
    if (done()) return true;
    this.wake();
    return new Promise<boolean>((resolve) => {
      const check = () => {
        if (done() || this.state === 'failed' || this.state === 'stopped') finish(done());
      };
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      this.waiters.add(check);
    });
  }

  async rebuild(onProgress?: (events: number) => void): Promise<number> {
    const wasRunning = this.running;
    if (wasRunning) await this.stop();
    await this.deps.db.transaction().execute(async (trx) => {
      if (!isProcessManager(this.projection)) await this.projection.reset(trx);
      await this.saveCheckpoint(trx, startOfLog);
    });
    this.checkpoint = startOfLog;
    this.failure = null;
    let events = 0;
    // Bigger batches, and the next one read while this one is applied: a rebuild is read-bound.
    const limit = Math.max(this.options.batchSize ?? 1_000, 5_000);
    let next = this.deps.store.readAll({ after: this.checkpoint, limit });
    for (;;) {
      const batch = await next;
      const last = batch.at(-1);
      if (!last) break;
      next = this.deps.store.readAll({ after: last.position, limit });
      next.catch(() => undefined); // awaited on the next turn; marked handled if apply throws first
      await this.apply(batch);
      events += batch.length;
      onProgress?.(events);
    }
    if (wasRunning) await this.start();
    return events;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1_000;
    // After a failed batch, events go one at a time up to the end of that batch: the failing
    // event is then named exactly, and a passing glitch costs only a slower stretch.
    let isolateUntil: GlobalPosition | null = null;
    let attempts = 0;
    while (this.running) {
      const size =
        isolateUntil && comparePositions(this.checkpoint, isolateUntil) < 0 ? 1 : batchSize;
      const batch = await this.read(size);
      if (!batch) continue;
      if (batch.length === 0) {
        await this.sleep();
        continue;
      }
      try {
        await this.apply(batch);
        attempts = 0;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          this.checkpoint = await this.loadCheckpoint();
        } else if (batch.length > 1) {
          isolateUntil = batch.at(-1)!.position;
        } else if (++attempts >= 3) {
          this.fail(error, batch[0]!);
        } else {
          await this.pause(100 * 2 ** attempts);
        }
      }
      this.notifyWaiters();
    }
  }

  /** The next events after the checkpoint; null after a read error (logged, retried later). */
  private async read(limit: number): Promise<RecordedEvent[] | null> {
    try {
      this.pendingWake = false;
      return await this.deps.store.readAll({ after: this.checkpoint, limit });
    } catch (error) {
      this.deps.logger.warn(
        { err: error, projection: this.projection.name },
        'Reading the log failed',
      );
      await this.pause(1_000);
      return null;
    }
  }

  /** Applies one batch and moves the checkpoint in the same transaction. */
  private async apply(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch.at(-1)!;
    if (isProcessManager(this.projection)) await this.projection.handle(batch);
    await this.deps.db.transaction().execute(async (trx) => {
      const stored = await trx
        .selectFrom('projection_checkpoints')
        .select(['commit_position', 'prepare_position'])
        .where('name', '=', this.projection.name)
        .forUpdate()
        .executeTakeFirst();
      const current = stored
        ? { commit: BigInt(stored.commit_position), prepare: BigInt(stored.prepare_position) }
        : startOfLog;
      if (comparePositions(current, this.checkpoint) !== 0) throw new CheckpointMovedError();
      if (!isProcessManager(this.projection)) await this.projection.apply(trx, batch);
      await this.saveCheckpoint(trx, last.position);
    });
    this.checkpoint = last.position;
  }

  private fail(error: unknown, event: RecordedEvent): void {
    this.failure = {
      message: error instanceof Error ? error.message : String(error),
      streamId: event.streamId,
      version: event.version,
      eventType: event.type,
      at: new Date(),
    };
    this.state = 'failed';
    this.running = false;
    this.deps.logger.error(
      {
        err: error,
        projection: this.projection.name,
        checkpoint: formatPosition(this.checkpoint),
        streamId: event.streamId,
        version: event.version,
      },
      `Projection ${this.projection.name} stopped at ${event.type} ${event.streamId}@${event.version}`,
    );
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private sleep(): Promise<void> {
    if (this.pendingWake || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs ?? 500);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private notifyWaiters(): void {
    for (const check of [...this.waiters]) check();
  }

  private async loadCheckpoint(): Promise<GlobalPosition> {
    const { db } = this.deps;
    await db
      .insertInto('projection_checkpoints')
      .values({
        name: this.projection.name,
        commit_position: 0n,
        prepare_position: 0n,
        updated_at: new Date(),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('projection_checkpoints')
      .select(['commit_position', 'prepare_position'])
      .where('name', '=', this.projection.name)
      .executeTakeFirstOrThrow();
    return { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
  }

  private async saveCheckpoint(trx: Kysely<Schema>, position: GlobalPosition): Promise<void> {
    await trx
      .insertInto('projection_checkpoints')
      .values({
        name: this.projection.name,
        commit_position: position.commit,
        prepare_position: position.prepare,
        updated_at: new Date(),
      })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          commit_position: position.commit,
          prepare_position: position.prepare,
          updated_at: new Date(),
        }),
      )
      .execute();
  }
}
