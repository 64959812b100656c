/**
 * Requests waiting for something to move (a checkpoint to reach a position): each asks again at
 * every `notify`, and is answered once its question has an answer, or false on timeout.
 */
export class Waiters {
  private readonly checks = new Set<() => void>();

  get size(): number {
    return this.checks.size;
  }

  /** What `state` says once it says it (true or false; null while undecided), else false. */
  until(state: () => boolean | null, timeoutMs: number): Promise<boolean> {
    const now = state();
    if (now !== null) return Promise.resolve(now);
    return new Promise<boolean>((resolve) => {
      const check = () => {
        const answer = state();
        if (answer !== null) finish(answer);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const finish = (answer: boolean) => {
        clearTimeout(timer);
        this.checks.delete(check);
        resolve(answer);
      };
      this.checks.add(check);
    });
  }

  notify(): void {
    for (const check of [...this.checks]) check();
  }
}
