import type { FastifyBaseLogger } from 'fastify';
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { MailOutboxTable } from '../db/schema.js';
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
  /** How long a claimed row stays invisible to other senders while it is being sent. */
  readonly leaseMs?: number;
  readonly clock?: () => Date;
}

/** Delivers the outbox: at least once per row, with the same Message-ID on every attempt. */
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
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      baseDelayMs: options.baseDelayMs ?? 5_000,
      maxDelayMs: options.maxDelayMs ?? 15 * 60_000,
      maxAttempts: options.maxAttempts ?? 20,
      batchSize: options.batchSize ?? 10,
      // Beyond nodemailer's longest timeout (10 min idle socket): a slow send is not taken over;
      // if one ever is, the stable Message-ID lets the receiver drop the copy.
      leaseMs: options.leaseMs ?? 15 * 60_000,
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
    const claimed = await this.claim();
    let delivered = 0;
    for (const [index, row] of claimed.entries()) {
      if (this.stopping) {
        await this.release(claimed.slice(index));
        break;
      }
      if (await this.deliver(row)) delivered += 1;
    }
    return delivered;
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

  /**
   * Claims due rows and leases them (attempt counted, next_attempt_at pushed out) in a short
   * transaction: holding it open across SMTP would block PGlite's only connection, and a crash
   * mid-send then just means a retry once the lease runs out.
   */
  private async claim(): Promise<OutboxRow[]> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    return this.deps.database.db.transaction().execute(async (trx) => {
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
      const claimed = await trx
        .updateTable('mail_outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil }))
        .where('id', 'in', ids)
        .returningAll()
        .execute();
      return ids.map((id) => claimed.find((row) => row.id === id)!);
    });
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const message = outboxMessage(row, this.deps.from);
    try {
      await this.deps.transport.send(message);
    } catch (error) {
      await this.recordFailure(row, error);
      return false;
    }
    await this.deps.database.db
      .updateTable('mail_outbox')
      .set({ status: 'sent', sent_at: this.clock(), message_id: message.messageId })
      .where('id', '=', row.id)
      .execute();
    this.deps.logger.info({ mailKey: row.key, attempts: row.attempts }, 'Mail sent');
    return true;
  }

  private async recordFailure(row: OutboxRow, error: unknown): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    const gaveUp = row.attempts >= this.options.maxAttempts;
    const delay = Math.min(
      this.options.baseDelayMs * 2 ** (row.attempts - 1),
      this.options.maxDelayMs,
    );
    await this.deps.database.db
      .updateTable('mail_outbox')
      .set({
        status: gaveUp ? 'failed' : 'pending',
        next_attempt_at: new Date(this.clock().getTime() + delay),
        last_error: reason,
      })
      .where('id', '=', row.id)
      .execute();
    const context = { mailKey: row.key, attempts: row.attempts, reason };
    if (gaveUp) this.deps.logger.error(context, 'Mail not delivered: giving up');
    else this.deps.logger.warn({ ...context, retryInMs: delay }, 'Mail delivery failed');
  }

  /** Rows claimed but not attempted go back, their attempt uncounted. */
  private async release(rows: readonly OutboxRow[]): Promise<void> {
    const ids = rows.map((row) => row.id);
    if (ids.length === 0) return;
    await this.deps.database.db
      .updateTable('mail_outbox')
      .set((eb) => ({ attempts: eb('attempts', '-', 1), next_attempt_at: this.clock() }))
      .where('id', 'in', ids)
      .execute();
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
