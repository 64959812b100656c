import type { FastifyBaseLogger } from 'fastify';
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { MailOutboxTable } from '../db/schema.js';
import { Claim } from './mailClaim.js';
import type { MailTransport } from './mailTransport.js';
import { mailChannel, outboxMessage } from './outbox.js';

type Logger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
type OutboxRow = Selectable<MailOutboxTable>;

export interface MailSenderOptions {
  /** LISTEN wakes the sender at once; polling picks up retries that come due and lost wake-ups. */
  readonly pollIntervalMs?: number;
  /** First retry delay; each further failure doubles it up to maxDelayMs. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxAttempts?: number;
  readonly batchSize?: number;
  /**
   * How long a claimed row stays invisible to other senders without news of its sender: a row
   * whose sender died is due again this long after the last heartbeat.
   */
  readonly leaseMs?: number;
  /** How often a pass renews the lease of the rows it still holds (real time); lease / 3. */
  readonly heartbeatMs?: number;
  readonly clock?: () => Date;
}

/**
 * Delivers the outbox: once per row, with the same Message-ID on every attempt. A pass claims rows
 * under a short lease and renews it while it sends (a heartbeat), so a live sender, however slow,
 * keeps its rows and a dead one's are taken over within a lease. It sends a row only after
 * renewing its claim on it, so a sender that lost a row to another one does not send it too.
 *
 * Left to SMTP: a sender that dies after the server accepted the message but before the row is
 * marked sent, or that goes silent longer than the lease (no heartbeat reached the database)
 * while the server is accepting it, leads to a second copy, with the same Message-ID so the
 * receiver can drop it.
 */
export class MailSender {
  private readonly options: Required<Omit<MailSenderOptions, 'clock'>>;
  private readonly clock: () => Date;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;

  constructor(
    private readonly deps: {
      database: Database;
      transport: MailTransport;
      from: string;
      logger: Logger;
    },
    options: MailSenderOptions = {},
  ) {
    const leaseMs = options.leaseMs ?? 30_000;
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      baseDelayMs: options.baseDelayMs ?? 5_000,
      maxDelayMs: options.maxDelayMs ?? 15 * 60_000,
      maxAttempts: options.maxAttempts ?? 20,
      batchSize: options.batchSize ?? 10,
      // Short, because an OTP lives 15 minutes: a dead sender's mail goes out within 30 s (plus a
      // poll). A slow SMTP send is not taken over: the heartbeat renews the lease meanwhile.
      leaseMs,
      heartbeatMs: options.heartbeatMs ?? Math.floor(leaseMs / 3),
    };
    this.clock = options.clock ?? (() => new Date());
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.unlisten = await this.deps.database.listen(mailChannel, () => this.wake());
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Finishes the message in flight; the rest of its batch goes back to the queue. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake();
    await this.loop;
    this.loop = null;
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** One pass: claims the due rows and tries each once. Returns how many were delivered. */
  async deliverDue(): Promise<number> {
    const claim = await this.claim();
    if (!claim) return 0;
    const stopHeartbeat = this.heartbeat(claim);
    try {
      let delivered = 0;
      for (const row of claim.rows) {
        if (this.stopping) {
          // Rows claimed but not attempted go back, their attempt uncounted.
          await claim.release(this.clock());
          break;
        }
        this.logLost(await claim.renew(this.leaseUntil()));
        if (claim.holds(row.id) && (await this.deliver(claim, row))) delivered += 1;
      }
      return delivered;
    } catch (error) {
      // The database failed mid-pass: the rows not yet tried go back rather than wait out a lease.
      await claim.release(this.clock()).catch(() => undefined);
      throw error;
    } finally {
      await stopHeartbeat();
    }
  }

  private wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      try {
        if ((await this.deliverDue()) > 0) continue;
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'Mail outbox pass failed');
      }
      await this.sleep();
    }
  }

  private leaseUntil(): Date {
    return new Date(this.clock().getTime() + this.options.leaseMs);
  }

  /**
   * Claims due rows and leases them (attempt counted, next_attempt_at pushed out) in a short
   * transaction: holding it open across SMTP would block PGlite's only connection, and a crash
   * mid-send then just means a retry once the lease runs out.
   */
  private async claim(): Promise<Claim | null> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    const claimed = await this.deps.database.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('mail_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(this.options.batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      const ids = due.map((row) => row.id);
      const leased = await trx
        .updateTable('mail_outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil }))
        .where('id', 'in', ids)
        .returningAll()
        .execute();
      return ids.map((id) => leased.find((row) => row.id === id)!);
    });
    return claimed.length === 0 ? null : new Claim(this.deps.database.db, claimed, leaseUntil);
  }

  /**
   * Renews the claim every heartbeatMs until stopped; a failed renewal is retried at the next.
   * Stopping waits for a renewal under way, so none reaches a database being closed.
   */
  private heartbeat(claim: Claim): () => Promise<void> {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let renewing: Promise<void> = Promise.resolve();
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        renewing = claim
          .renew(this.leaseUntil())
          .then(
            (lost) => this.logLost(lost),
            (error: unknown) => this.deps.logger.warn({ err: error }, 'Mail lease not renewed'),
          )
          .finally(schedule);
      }, this.options.heartbeatMs);
    };
    schedule();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await renewing;
    };
  }

  private logLost(rows: readonly OutboxRow[]): void {
    for (const row of rows)
      this.deps.logger.warn({ mailKey: row.key }, 'Mail claim lost to another sender: not sent');
  }

  private async deliver(claim: Claim, row: OutboxRow): Promise<boolean> {
    const message = outboxMessage(row, this.deps.from);
    try {
      await this.deps.transport.send(message);
    } catch (error) {
      await this.recordFailure(claim, row, error);
      return false;
    }
    claim.drop(row.id);
    // Whoever holds the row now: it has been delivered, and saying so stops any further copy.
    await this.deps.database.db
      .updateTable('mail_outbox')
      .set({ status: 'sent', sent_at: this.clock(), message_id: message.messageId })
      .where('id', '=', row.id)
      .where('status', '<>', 'sent')
      .execute();
    this.deps.logger.info({ mailKey: row.key, attempts: row.attempts }, 'Mail sent');
    return true;
  }

  private async recordFailure(claim: Claim, row: OutboxRow, error: unknown): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    const gaveUp = row.attempts >= this.options.maxAttempts;
    const delay = Math.min(
      this.options.baseDelayMs * 2 ** (row.attempts - 1),
      this.options.maxDelayMs,
    );
    // Only while the row is ours: its new holder's lease or outcome must stand.
    const recorded = await claim.settle(row.id, {
      status: gaveUp ? 'failed' : 'pending',
      next_attempt_at: new Date(this.clock().getTime() + delay),
      last_error: reason,
    });
    const context = { mailKey: row.key, attempts: row.attempts, reason };
    if (!recorded) this.deps.logger.warn(context, 'Mail delivery failed; its claim was lost');
    else if (gaveUp) this.deps.logger.error(context, 'Mail not delivered: giving up');
    else this.deps.logger.warn({ ...context, retryInMs: delay }, 'Mail delivery failed');
  }

  private sleep(): Promise<void> {
    if (this.pendingWake || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wakeUp = done;
    });
  }
}
