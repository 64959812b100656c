import { randomUUID } from 'node:crypto';
import { heartbeatMs, type JobLedger } from './jobLedger.js';

export type JobState = 'running' | 'done' | 'failed';

/** A long task of the auditor section (a whole-log verification, a rebuild), as pages show it. */
export interface Job<Result> {
  readonly id: string;
  /** What runs, for the page: 'log', a stream id, a projection name. */
  readonly subject: string;
  readonly startedBy: string;
  readonly startedAt: Date;
  state: JobState;
  /** Events handled so far, and how many there were when it started (null when unknown). */
  processed: number;
  total: number | null;
  /**
   * performance.now() when it started in this process (the pace counts real time, whatever the
   * clock says); absent for a job read back from the log.
   */
  began?: number;
  finishedAt: Date | null;
  result: Result | null;
  /** A sentence for the page when it failed; the details go to the log. */
  error: string | null;
}

export interface JobContext {
  readonly id: string;
  readonly progress: (processed: number) => void;
  /** Set when the app closes: a job stops at its next batch. */
  readonly signal: AbortSignal;
}

/**
 * The auditor section's long jobs, one of a kind at a time (a second request is sent to the
 * running one). This process keeps the jobs it ran, the last few, so a page reloaded by job id
 * finds its result; with a ledger (jobLedger.ts) the running job's progress is in the database
 * too, for a page polled on another process of the portal, and the one-at-a-time holds across
 * them all.
 */
export class BackgroundJobs<Result> {
  private readonly jobs = new Map<string, Job<Result>>();
  private readonly abort = new AbortController();
  private running: { job: Job<Result>; finished: Promise<void> } | null = null;
  /** The subject of a job about to start: its request is recording why, before it runs. */
  private claimed: string | null = null;

  constructor(
    private readonly options: {
      readonly keep?: number;
      readonly onError: (error: unknown, job: Job<Result>) => string;
      readonly ledger?: JobLedger;
    },
  ) {}

  /** A job by id: this process's, or one another process runs or ran. */
  async find(id: string): Promise<Job<Result> | undefined> {
    return this.jobs.get(id) ?? (await this.options.ledger?.find(id));
  }

  /** The running job, in this process or another; null when none runs. */
  async current(): Promise<Job<Result> | null> {
    return this.running?.job ?? (await this.options.ledger?.running()) ?? null;
  }

  /** This process's, the newest first. */
  recent(): Job<Result>[] {
    return [...this.jobs.values()].reverse();
  }

  /**
   * Takes the one slot for a job, before its request records anything (a rebuild's reason):
   * of two requests at once, in one process or two, only one gets it. null when a job runs or
   * is claimed. The claim is `start`ed, or `release`d if recording fails.
   */
  async claim(job: {
    id?: string;
    subject: string;
    startedBy: string;
    now: () => Date;
  }): Promise<JobClaim<Result> | null> {
    if (this.running || this.claimed !== null) return null;
    // Taken synchronously: a second request of this process is refused before any await.
    this.claimed = job.subject;
    const started: Job<Result> = {
      id: job.id ?? randomUUID(),
      subject: job.subject,
      startedBy: job.startedBy,
      startedAt: job.now(),
      state: 'running',
      processed: 0,
      total: null,
      began: performance.now(),
      finishedAt: null,
      result: null,
      error: null,
    };
    const ledger = this.options.ledger;
    try {
      if (ledger && !(await ledger.claim(started))) {
        this.claimed = null;
        return null;
      }
    } catch (error) {
      this.claimed = null;
      throw error; // the database's, not another job running
    }
    let open = true;
    const close = () => {
      if (!open) throw new Error('This claim was already used');
      open = false;
      this.claimed = null;
    };
    return {
      id: started.id,
      start: (total, work) => {
        close();
        started.total = total;
        started.began = performance.now();
        return this.run(started, work, job.now);
      },
      release: async () => {
        if (!open) return;
        close();
        await ledger?.release(started.id);
      },
    };
  }

  private run(
    job: Job<Result>,
    work: (context: JobContext) => Promise<Result>,
    now: () => Date,
  ): Job<Result> {
    this.remember(job);
    const ledger = this.options.ledger;
    const write = () =>
      ledger?.progress(job, performance.now() - job.began!).catch(() => undefined);
    void write();
    // The heartbeat, and the progress at most this often.
    const beat = setInterval(() => void write(), heartbeatMs);
    beat.unref();
    // Progress goes to the ledger at most every second, the last of each second included.
    let due: ReturnType<typeof setTimeout> | null = null;
    const context = {
      id: job.id,
      progress: (processed: number) => {
        job.processed = processed;
        due ??= setTimeout(() => {
          due = null;
          void write();
        }, 1_000);
      },
      signal: this.abort.signal,
    };
    const finished = Promise.resolve()
      .then(() => work(context))
      .then(
        (result) => {
          job.result = result;
          job.state = 'done';
        },
        (error: unknown) => {
          job.error = this.options.onError(error, job);
          job.state = 'failed';
        },
      )
      .then(async () => {
        clearInterval(beat);
        if (due) clearTimeout(due);
        job.finishedAt = now();
        await ledger?.finish(job).catch(() => undefined);
      })
      .finally(() => {
        this.running = null;
      });
    this.running = { job, finished };
    return job;
  }

  /** A job that ran in the request itself (a single stream), kept for its result page. */
  completed(
    id: string,
    subject: string,
    startedBy: string,
    result: Result,
    times: { startedAt: Date; finishedAt: Date },
  ): Job<Result> {
    const job: Job<Result> = {
      id,
      subject,
      startedBy,
      startedAt: times.startedAt,
      state: 'done',
      processed: 0,
      total: null,
      finishedAt: times.finishedAt,
      result,
      error: null,
    };
    this.remember(job);
    return job;
  }

  /** Waits for the running job, if any, to finish. */
  async settled(): Promise<void> {
    await this.running?.finished;
  }

  /** On close: asks the running job to stop and waits for it. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.running?.finished;
  }

  private remember(job: Job<Result>): void {
    this.jobs.set(job.id, job);
    const keep = this.options.keep ?? 20;
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= keep) break;
      if (this.jobs.get(id)?.state !== 'running') this.jobs.delete(id);
    }
  }
}

export interface JobClaim<Result> {
  readonly id: string;
  /** Runs `work` in the background; `total` is what the bar counts to (null while unknown). */
  start(total: number | null, work: (context: JobContext) => Promise<Result>): Job<Result>;
  release(): Promise<void>;
}

/**
 * How fast a running job goes, for the line under its bar: events a second so far, and the
 * seconds left at that pace (null while unknown).
 */
export function pace(job: Pick<Job<unknown>, 'processed' | 'total' | 'state' | 'began'>): {
  perSecond: number | null;
  secondsLeft: number | null;
} {
  const seconds = job.began === undefined ? 0 : (performance.now() - job.began) / 1000;
  if (job.state !== 'running' || job.processed === 0 || seconds <= 0)
    return { perSecond: null, secondsLeft: null };
  const perSecond = job.processed / seconds;
  return {
    perSecond: Math.round(perSecond),
    secondsLeft: job.total === null ? null : Math.max(0, (job.total - job.processed) / perSecond),
  };
}

/** Percent for the progress bar: 0–100, null while the total is unknown. */
export function percent(job: Pick<Job<unknown>, 'processed' | 'total' | 'state'>): number | null {
  if (job.state === 'done') return 100;
  if (!job.total) return null;
  return Math.min(100, Math.floor((job.processed / job.total) * 100));
}
