import type { ExpressionBuilder, Kysely, Selectable, Updateable } from 'kysely';
import type { MailOutboxTable, Schema } from '../db/schema.js';

type OutboxRow = Selectable<MailOutboxTable>;

/**
 * The rows a pass holds and the lease they share. A row is held while it is pending with the
 * attempt count this claim gave it and the lease this claim last wrote: any claim by another
 * sender counts a new attempt, and every later write leaves a lease no earlier than ours was, so
 * the pair matches again only in a row released to the queue, which nobody holds. Writes go one
 * at a time, so a heartbeat never moves the lease under a conditional update.
 */
export class Claim {
  private readonly held: Map<string, OutboxRow>;
  private until: Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Schema>,
    readonly rows: readonly OutboxRow[],
    until: Date,
  ) {
    this.held = new Map(rows.map((row) => [row.id, row]));
    this.until = until;
  }

  holds(id: string): boolean {
    return this.held.has(id);
  }

  drop(id: string): void {
    this.held.delete(id);
  }

  /** Pushes the lease out to `until`; returns the rows another sender has taken since. */
  renew(until: Date): Promise<OutboxRow[]> {
    return this.serially(async () => {
      if (this.held.size === 0) return [];
      const renewed = await this.db
        .updateTable('mail_outbox')
        .set({ next_attempt_at: until })
        .where((eb) => this.stillHeld(eb, [...this.held.keys()]))
        .returning('id')
        .execute();
      this.until = until;
      const kept = new Set(renewed.map((row) => row.id));
      const lost = [...this.held.values()].filter((row) => !kept.has(row.id));
      for (const row of lost) this.held.delete(row.id);
      return lost;
    });
  }

  /** Writes the outcome of an attempt, if the row is still ours; says whether it was. */
  settle(id: string, values: Updateable<MailOutboxTable>): Promise<boolean> {
    return this.serially(async () => {
      if (!this.held.has(id)) return false;
      const result = await this.db
        .updateTable('mail_outbox')
        .set(values)
        .where((eb) => this.stillHeld(eb, [id]))
        .executeTakeFirst();
      this.held.delete(id);
      return result.numUpdatedRows > 0n;
    });
  }

  /** Gives back every row still held, due at `now`, its attempt uncounted. */
  release(now: Date): Promise<void> {
    return this.serially(async () => {
      if (this.held.size === 0) return;
      await this.db
        .updateTable('mail_outbox')
        .set((eb) => ({ attempts: eb('attempts', '-', 1), next_attempt_at: now }))
        .where((eb) => this.stillHeld(eb, [...this.held.keys()]))
        .execute();
      this.held.clear();
    });
  }

  private stillHeld(eb: ExpressionBuilder<Schema, 'mail_outbox'>, ids: readonly string[]) {
    return eb.and([
      eb('status', '=', 'pending'),
      eb('next_attempt_at', '=', this.until),
      eb.or(
        ids.map((id) =>
          eb.and([eb('id', '=', id), eb('attempts', '=', this.held.get(id)!.attempts)]),
        ),
      ),
    ]);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
