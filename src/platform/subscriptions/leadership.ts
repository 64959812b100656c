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
 */
export class Leadership {
  private held: HeldLock | null = null;
  private roles: Roles | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly database: Pick<Database, 'tryLock'>,
    private readonly options: { readonly retryMs: number; readonly logger: Logger },
  ) {}

  get leading(): boolean {
    return this.held !== null;
  }

  /** Tries to lead now (awaiting `lead` if it does), then again every `retryMs` while it does not. */
  async start(roles: Roles): Promise<void> {
    this.roles = roles;
    await this.attempt();
  }

  /** Lets the lead go, for another process to take at once; the roles are stopped by the caller. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const held = this.held;
    this.held = null;
    await held?.release();
  }

  private async attempt(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    try {
      const held = await this.database.tryLock(leaderLock);
      if (held) {
        this.held = held;
        void held.lost.then(() => this.lose(held));
        await this.roles!.lead();
        return;
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'Could not ask for the lead');
    }
    this.retry();
  }

  private async lose(held: HeldLock): Promise<void> {
    if (this.held !== held) return;
    this.held = null;
    this.options.logger.warn({}, 'Lead lost (its connection ended): standing by');
    await this.roles!.follow().catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'Could not stand by'),
    );
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt(), this.options.retryMs);
    this.timer.unref();
  }
}

/** The advisory lock's name (hashed to its key by PostgreSQL). */
const leaderLock = 'dichiara:leader';
