import { randomUUID } from 'node:crypto';

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
  readonly began?: number;
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
 * Background jobs in this process, one running at a time (a second request gets the running
 * one), the last few kept so that a page reloaded by job id still finds its result.
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
    },
  ) {}

  get(id: string): Job<Result> | undefined {
    return this.jobs.get(id);
  }

  current(): Job<Result> | null {
    return this.running?.job ?? null;
  }

  /** The newest first. */
  recent(): Job<Result>[] {
    return [...this.jobs.values()].reverse();
  }

  /** What runs, or is about to: the subject of the running or claimed job. */
  busyWith(): string | null {
    return this.running?.job.subject ?? this.claimed;
  }

  /**
   * Takes the one slot for a job whose request must record something first (a rebuild's
   * reason): synchronously, so that of two requests at once only one gets it, and the other is
   * refused before it records anything. null when a job runs or is claimed. The claim is
   * `start`ed, or `release`d if recording fails.
   */
  claim(subject: string): JobClaim<Result> | null {
    if (this.busyWith() !== null) return null;
    this.claimed = subject;
    let open = true;
    const close = () => {
      if (!open) throw new Error('This claim was already used');
      open = false;
      this.claimed = null;
    };
    return {
      start: (job, work) => {
        close();
        return this.start({ ...job, subject }, work).job;
      },
      release: () => {
        if (open) close();
      },
    };
  }

  /** Starts `work` unless a job is running; either way returns the job to follow. */
  start(
    job: { id?: string; subject: string; startedBy: string; total: number | null; now: () => Date },
    work: (context: JobContext) => Promise<Result>,
  ): { job: Job<Result>; started: boolean } {
    if (this.running) return { job: this.running.job, started: false };
    const { now } = job;
    const started: Job<Result> = {
      id: job.id ?? randomUUID(),
      subject: job.subject,
      startedBy: job.startedBy,
      startedAt: now(),
      state: 'running',
      processed: 0,
      total: job.total,
      began: performance.now(),
      finishedAt: null,
      result: null,
      error: null,
    };
    return { job: this.run(started, work, now), started: true };
  }

  private run(
    job: Job<Result>,
    work: (context: JobContext) => Promise<Result>,
    now: () => Date,
  ): Job<Result> {
    this.remember(job);
    const context = {
      id: job.id,
      progress: (processed: number) => {
        job.processed = processed;
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
      .finally(() => {
        job.finishedAt = now();
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
  start(
    job: { id?: string; startedBy: string; total: number | null; now: () => Date },
    work: (context: JobContext) => Promise<Result>,
  ): Job<Result>;
  release(): void;
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
