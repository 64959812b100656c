import type { Database, HeldLock } from '../db/database.js';
import type { Logger } from './subscriberWorker.js';

export interface Roles {
  /** This process took the lead: it starts what runs once. */
  lead(): Promise<void>;
  /** It lost the lead (its lock's connection is gone): it stops that, and stands by. */
  follow(): Promise<void>;
}

/**
 * Of several portal processes on one database, one leads: it applies the projections and runs
 * the jobs that must run once (reminders, signed heads, housekeeping). The others stand by and
 * try to take the lead every `retryMs`; the leader's lock goes with its connection, so a leader
 * killed is replaced within that time. With PGlite the one process always leads.
 *
 * Every change of role runs after the one before it has finished: a lead lost while it was
 * being taken is followed by `follow` once `lead` is done, never beside it.
 */
export class Leadership {
  private held: HeldLock | null = null;
  private roles: Roles | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** The change of role under way, and those queued after it. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Pick<Database, 'tryLock'>,
    private readonly options: { readonly retryMs: number; readonly logger: Logger },
  ) {}

  get leading(): boolean {
    return this.held !== null;
  }

  /**
   * Tries to lead now, awaiting `lead` if it does (an error of this first `lead` is thrown, the
   * lock let go) or `follow` if another process leads; then tries again every `retryMs` while it
   * does not lead.
   */
  async start(roles: Roles): Promise<void> {
    this.roles = roles;
    await this.change(() => this.attempt(true));
  }

  /**
   * Takes no role any more: after the change of role under way, `stopRoles` stops what runs,
   * then the lead is let go, for another process to take at once.
   */
  async stop(stopRoles: () => Promise<void> = async () => {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.changes;
    await stopRoles();
    const held = this.held;
    this.held = null;
    await held?.release();
  }

  private change(step: () => Promise<void>): Promise<void> {
    const next = this.changes.then(step);
    this.changes = next.catch(() => undefined);
    return next;
  }

  private async attempt(first = false): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    let held: HeldLock | null = null;
    let leading = false;
    try {
      held = await this.database.tryLock(leaderLock);
      if (held && !this.stopped) {
        leading = true;
        await this.roles!.lead();
        // Leading once `lead` is done: what it started is running.
        this.held = held;
        void held.lost.then(() => this.change(() => this.lose(held!)));
        return;
      }
      await held?.release();
      // Another process leads: this one stands by from the start.
      if (first) await this.roles!.follow();
    } catch (error) {
      if (leading) {
        // Taken, but `lead` failed half-way: what it started stops, and the lock goes back.
        this.held = null;
        await this.roles!.follow().catch(() => undefined);
      }
      await held?.release();
      if (first) throw error;
      this.options.logger.warn({ err: error }, 'Could not take the lead');
    }
    this.retry();
  }

  private async lose(held: HeldLock): Promise<void> {
    if (this.held !== held) return;
    this.held = null;
    if (this.stopped) return;
    this.options.logger.warn({}, 'Lead lost (its connection ended): standing by');
    await this.roles!.follow().catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'Could not stand by'),
    );
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.change(() => this.attempt()), this.options.retryMs);
    this.timer.unref();
  }
}

/** The advisory lock's name (hashed to its key by PostgreSQL). */
const leaderLock = 'dichiara:leader';
