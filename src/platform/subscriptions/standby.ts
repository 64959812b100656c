import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { GlobalPosition } from '../eventStore/eventStore.js';
import { comparePositions, startOfLog } from '../eventStore/globalPosition.js';
import type { ProjectionFailure } from './subscriberWorker.js';
import { Wakeable } from './wakeable.js';

interface Seen {
  readonly checkpoint: GlobalPosition;
  readonly failure: ProjectionFailure | null;
}

/** How often the checkpoints are read while a request waits on them. */
const waitingPollMs = 5;

/**
 * The projections as a process that does not run them sees them (another process leads,
 * leadership.ts): their checkpoints and failures read from the database, every `pollIntervalMs`
 * for the status pages, every few milliseconds while a request waits to read its own write.
 */
export class Standby extends Wakeable {
  private seen = new Map<string, Seen>();
  private waiters = new Set<() => void>();
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly names: readonly string[],
    pollIntervalMs: number,
  ) {
    super(pollIntervalMs);
  }

  protected override get active(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.read();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  seenOf(name: string): Seen {
    return this.seen.get(name) ?? { checkpoint: startOfLog, failure: null };
  }

  /** Whether each of `names` has applied the event at `position`; false on timeout or failure. */
  async reached(
    names: readonly string[],
    position: GlobalPosition,
    timeoutMs: number,
  ): Promise<boolean> {
    const state = () => {
      const seen = names.map((name) => this.seenOf(name));
      if (seen.every((each) => comparePositions(each.checkpoint, position) >= 0)) return true;
      return seen.some((each) => each.failure !== null) ? false : null;
    };
    const now = state();
    if (now !== null) return now;
    return new Promise<boolean>((resolve) => {
      const check = () => {
        const result = state();
        if (result !== null) finish(result);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      this.waiters.add(check);
      this.wake();
    });
  }

  private async run(): Promise<void> {
    while (this.running || this.waiters.size > 0) {
      this.clearWake();
      if (this.waiters.size > 0) await new Promise((resolve) => setTimeout(resolve, waitingPollMs));
      else await this.sleep();
      // A database out of reach: the pages say so; the waiters time out.
      await this.read().catch(() => undefined);
      for (const check of [...this.waiters]) check();
    }
  }

  private async read(): Promise<void> {
    const rows = await this.db
      .selectFrom('projection_checkpoints')
      .select(['name', 'commit_position', 'prepare_position', 'failure'])
      .where('name', 'in', this.names)
      .execute();
    this.seen = new Map(
      rows.map((row) => [
        row.name,
        {
          checkpoint: {
            commit: BigInt(row.commit_position),
            prepare: BigInt(row.prepare_position),
          },
          failure: row.failure && { ...row.failure, at: new Date(row.failure.at) },
        },
      ]),
    );
  }
}
