/**
 * How soon the log's end is read again while a request waits to see an append not seen yet: a
 * read stops below the oldest transaction still open, so an append committed after it began is
 * held back until that one ends, and its end wakes no one (it appended nothing). Waiting for the
 * poll instead held a saved draft's page up to 500 ms, about once in a hundred saves on
 * PostgreSQL, behind another subscriber's checkpoint being written.
 */
export const awaitedPollMs = 10;

/**
 * After an append was heard and the read that followed found nothing new (held back, as above,
 * or already read), the log's end is read again this many times, 10 ms after, then 20, 40…
 * (630 ms in all): requests waiting in another process of the portal see the append then, not
 * at the next poll, though no request here waits for it.
 */
export const heardRereads = 6;

/**
 * A loop that sleeps until woken (a new append) or until its poll interval passes (appends by
 * another process whose notification was lost, commits held back by an older transaction).
 */
export abstract class Wakeable {
  private pendingWake = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly pollIntervalMs: number) {}

  /** While false, sleep returns at once: the loop is on its way out. */
  protected abstract get active(): boolean;

  /** While true (a request waits on what this loop applies), it sleeps `awaitedPollMs` at most. */
  protected get awaited(): boolean {
    return false;
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Called before reading: a wake-up after this point means there may be more to read. */
  protected clearWake(): void {
    this.pendingWake = false;
  }

  /**
   * Until woken, or until `ms` (the poll interval unless told) have passed, or `awaitedPollMs`
   * while a request waits.
   */
  protected sleep(ms = this.pollIntervalMs): Promise<void> {
    if (this.pendingWake || !this.active) return Promise.resolve();
    const wait = this.awaited ? Math.min(ms, awaitedPollMs) : ms;
    return new Promise((resolve) => {
      const timer = setTimeout(done, wait);
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
}
