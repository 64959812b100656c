import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { GlobalPosition } from '../eventStore/eventStore.js';
import { comparePositions, startOfLog } from '../eventStore/globalPosition.js';
import type { ProjectionFailure } from './subscriberWorker.js';
import { Waiters } from './waiters.js';
import { Wakeable } from './wakeable.js';

interface Seen {
  readonly checkpoint: GlobalPosition;
  readonly failure: ProjectionFailure | null;
}

/**
 * How often the checkpoints are read while a request waits on them: told by the leader's
 * notifications, else polled this often (as often again when there are none to hear).
 */
const waitingPollMs = { told: 50, untold: 5 };

/**
 * The projections as a process that does not run them sees them (another process leads,
 * leadership.ts): their checkpoints and failures read from the database, every `pollIntervalMs`
 * for the status pages, and as soon as the leader says they moved while a request waits to read
 * its own write.
 */
export class Standby extends Wakeable {
  private seen = new Map<string, Seen>();
  private readonly waiters = new Waiters();
  private running = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly names: readonly string[],
    pollIntervalMs: number,
    /** Hears the leader's checkpoints move (LISTEN), where the database tells. */
    private readonly checkpointsMoved?: (wake: () => void) => Promise<() => Promise<void>>,
  ) {
    super(pollIntervalMs);
  }

  protected override get active(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    // The database may be why the lead was lost: the loop reads again until it answers.
    await this.read().catch(() => undefined);
    this.unlisten = (await this.checkpointsMoved?.(() => this.wake()).catch(() => null)) ?? null;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops reading; a request still waiting gets one last answer, then its timeout. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    await this.unlisten?.();
    this.unlisten = null;
  }

  seenOf(name: string): Seen {
    return this.seen.get(name) ?? { checkpoint: startOfLog, failure: null };
  }

  /** Whether each of `names` has applied the event at `position`; false on timeout or failure. */
  reached(names: readonly string[], position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const answer = this.waiters.until(() => {
      const seen = names.map((name) => this.seenOf(name));
      if (seen.every((each) => comparePositions(each.checkpoint, position) >= 0)) return true;
      return seen.some((each) => each.failure !== null) ? false : null;
    }, timeoutMs);
    this.wake();
    return answer;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.waiters.size === 0) await this.sleep();
      else await this.sleep(this.unlisten ? waitingPollMs.told : waitingPollMs.untold);
      // Cleared before reading: a notification during the read means another read at once.
      this.clearWake();
      // A database out of reach: the pages say so; the waiters time out.
      await this.read().catch(() => undefined);
      this.waiters.notify();
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
