import type { GlobalPosition, RecordedEvent } from '../eventStore/eventStore.js';
import { comparePositions, formatPosition } from '../eventStore/globalPosition.js';
import { moveCheckpoints } from './checkpoints.js';
import type { Projection } from './projection.js';
import { LogBatch } from './storableText.js';
import {
  pause,
  type RunnerOptions,
  type SubscriberWorker,
  type WorkerDeps,
} from './subscriberWorker.js';
import { awaitedPollMs, heardRereads, Wakeable } from './wakeable.js';

/** A batch of the shared read, and whether it took in the log's end. */
interface Batch {
  readonly events: readonly RecordedEvent[];
  readonly atTheEnd: boolean;
}

/**
 * The read models that are in step, fed together: each batch of the log is read once and applied
 * to all of them in one transaction that moves all their checkpoints (compare-and-set, as a
 * worker's own loop does), instead of a read and a transaction per read model.
 *
 * A read model joins when its own loop has caught up to where the others are. A batch that fails
 * sends every member back to its own loop from the checkpoint it holds: the one at fault finds its
 * event alone and stops there, the others catch up and come back.
 */
export class SharedRead extends Wakeable {
  private members: SubscriberWorker[] = [];
  private joining: SubscriberWorker[] = [];
  private leaving = new Map<SubscriberWorker, () => void>();
  private head: GlobalPosition | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  /** The next batch, asked while the last one is applied (run). */
  private ahead: { from: GlobalPosition; events: Promise<readonly RecordedEvent[]> } | null = null;
  /** The size of a batch read while behind the log. */
  private readonly catchingUp: number;
  /**
   * Appends heard so far, and how many when the read being made or applied now began. Only an
   * append starts the rereads of the log's end (wakeable.ts): a request's nudge
   * (ProjectionRunner.waitFor) wakes the read once, and while the request waits it polls soon.
   */
  private appendsHeard = 0;
  private readingSince: number | null = null;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: RunnerOptions,
  ) {
    super(options.pollIntervalMs ?? 500);
    this.catchingUp = options.batchSize ?? 5_000;
  }

  protected override get active(): boolean {
    return this.running;
  }

  protected override get awaited(): boolean {
    return this.members.some((worker) => worker.awaited);
  }

  /** An append heard, here or (notified) in another process: read the log's end. */
  heard(): void {
    this.appendsHeard += 1;
    this.wake();
  }

  /**
   * Whether the batch being read or applied now was read from the log's end after the last
   * append heard: it takes that append in, and a request waiting for it need not wake the read
   * again (an append held back, or not heard, is read by the polls while the request waits).
   */
  get takesInHeard(): boolean {
    return this.readingSince === this.appendsHeard;
  }

  /** Starts feeding `inStep`, read models whose checkpoints are all the same. */
  start(inStep: readonly SubscriberWorker[]): void {
    this.members = [...inStep];
    this.head = inStep[0]?.checkpoint ?? null;
    this.ahead = null;
    for (const worker of inStep) worker.joinShared();
    this.running = true;
    this.loop = this.run();
  }

  /** After the batch in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    // One that offered itself meanwhile is placed again when the projections start (lead).
    this.joining = [];
    this.settleLeaving();
  }

  /** Asked by a read model whose own loop reached the end of the log: taken over if running. */
  offer(worker: SubscriberWorker): boolean {
    if (!this.running || !worker.sharesRead) return false;
    this.joining.push(worker);
    this.wake();
    return true;
  }

  /** Resolves once `worker` is no longer fed by this read (between two batches). */
  release(worker: SubscriberWorker): Promise<void> {
    if (!this.loop) {
      this.drop(worker);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.leaving.set(worker, resolve);
      this.wake();
    });
  }

  /**
   * Batch by batch to the log's end. Behind it (after an outage, a start on a long log), batches
   * are as large as a rebuild's and the next one is read while this one is applied: catching up
   * runs at the speed of the log, as a rebuild does (readModelRebuild.ts).
   */
  private async run(): Promise<void> {
    /** Whether an append was heard by the end of the last sleep; the rereads left after one. */
    let heard = false;
    let heardUpTo = this.appendsHeard;
    let rereads = 0;
    while (this.running) {
      this.settleLeaving();
      this.admit();
      if (!this.head || this.members.length === 0) {
        this.ahead = null;
        this.clearWake(); // an offer wakes it again
        await this.sleep();
        continue;
      }
      let batch: Batch;
      try {
        batch = await this.next(this.head);
      } catch (error) {
        this.readingSince = null;
        this.deps.logger.warn({ err: error }, 'Reading the log failed');
        await pause(1_000);
        continue;
      }
      try {
        if (batch.events.length > 0) await this.applyTogether(this.head, batch.events);
        // The log's end taken in: the next read waits for an append or the poll, or soon while a
        // request waits for one of these read models to see its append, or while an append heard
        // is not read yet (wakeable.ts).
        if (batch.atTheEnd) {
          if (batch.events.length > 0) rereads = 0;
          else if (heard) rereads = heardRereads;
          let soon: number | undefined;
          if (rereads > 0) {
            soon = awaitedPollMs * 2 ** (heardRereads - rereads);
            rereads -= 1;
          }
          this.readingSince = null;
          await this.sleep(soon);
          heard = this.appendsHeard !== heardUpTo;
          heardUpTo = this.appendsHeard;
        }
      } catch (error) {
        this.readingSince = null;
        this.ahead = null;
        this.disband(error);
      }
    }
  }

  /**
   * The batch after `head`: the one read ahead, or read now. After a full batch the next one is
   * asked at once. Only a read made now tells the log's end: one made ahead ran beside the last
   * batch's transaction, and a read sees no append newer than a transaction still open (and the
   * wake-ups heard meanwhile are kept for the read that comes after it).
   */
  private async next(head: GlobalPosition): Promise<Batch> {
    const ahead = this.ahead && comparePositions(this.ahead.from, head) === 0 ? this.ahead : null;
    this.ahead = null;
    const size = ahead ? this.catchingUp : (this.options.batchSize ?? 1_000);
    this.readingSince = ahead ? null : this.appendsHeard;
    if (!ahead) this.clearWake();
    const events = await (ahead?.events ?? this.deps.tail.read(head, size));
    if (events.length === size) {
      const from = events.at(-1)!.position;
      this.ahead = { from, events: this.deps.tail.read(from, this.catchingUp) };
      this.ahead.events.catch(() => undefined); // taken on the next turn, or dropped
    }
    return { events, atTheEnd: !ahead && events.length < size };
  }

  private admit(): void {
    for (const worker of this.joining.splice(0)) {
      if (this.members.length === 0) this.head = worker.checkpoint;
      if (this.head && comparePositions(worker.checkpoint, this.head) === 0) {
        this.members.push(worker);
        worker.joinShared();
      } else {
        worker.runAlone();
      }
    }
  }

  private async applyTogether(
    head: GlobalPosition,
    batch: readonly RecordedEvent[],
  ): Promise<void> {
    const members = [...this.members];
    const names = members.map((worker) => worker.name);
    const last = batch.at(-1)!.position;
    const given = new LogBatch(batch);
    await this.deps.db.transaction().execute(async (trx) => {
      await moveCheckpoints(trx, names, head, last);
      // Only plain read models join it (SubscriberWorker.sharesRead).
      for (const { subscriber } of members) {
        const projection = subscriber as Projection;
        await projection.apply(trx, given.for(projection));
      }
    });
    this.head = last;
    for (const worker of members) worker.advancedTo(last);
  }

  private disband(error: unknown): void {
    this.deps.logger.warn(
      { err: error, checkpoint: this.head && formatPosition(this.head) },
      'A shared batch failed: each read model goes on alone from its checkpoint',
    );
    for (const worker of this.members.splice(0)) worker.runAlone();
    this.head = null;
  }

  private settleLeaving(): void {
    for (const [worker, resolve] of this.leaving) {
      this.drop(worker);
      resolve();
    }
    this.leaving.clear();
  }

  private drop(worker: SubscriberWorker): void {
    this.members = this.members.filter((member) => member !== worker);
    this.joining = this.joining.filter((member) => member !== worker);
  }
}
