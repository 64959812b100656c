/**
 * How soon the log's end is read again while a request waits to see an append not seen yet: a
 * read stops below the oldest transaction still open, so an append committed after it began is
 * held back until that one ends, and its end wakes no one (it appended nothing). Waiting for the
 * poll instead held a saved draft's page up to 500 ms, about once in a hundred saves on
 * PostgreSQL, behind another subscriber's checkpoint being written.
 */
export const awaitedPollMs = 10;

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

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Called before reading: a wake-up after this point means there may be more to read. */
  protected clearWake(): void {
    this.pendingWake = false;
  }

  /** Until woken, or `ms` (the poll interval unless told) have passed. */
  protected sleep(ms = this.pollIntervalMs): Promise<void> {
    if (this.pendingWake || !this.active) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
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
