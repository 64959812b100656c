import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
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
  /**
   * Set when the app closes or another process took the job over: it stops at its next batch.
   * The reason is a JobHandedOver when another process goes on with it (or will).
   */
  readonly signal: AbortSignal;
}

export type JobWork<Result> = (context: JobContext) => Promise<Result>;

/**
 * A job's work and what its bar counts to (null while unknown), from what its claim kept: read
 * back from the database, it is parsed as any input is.
 */
export type JobResumption<Result> = (
  resume: unknown,
  id: string,
) => Promise<{ total: number | null; work: JobWork<Result> }>;

/** Why a job stopped here while another process goes on with it: it records no outcome. */
export class JobHandedOver extends Error {
  override readonly name = 'JobHandedOver';
  constructor() {
    super('The job goes on in another process of the portal');
  }
}

/**
 * The auditor section's long jobs, one of a kind at a time (a second request is sent to the
 * running one). This process keeps the jobs it ran, the last few, so a page reloaded by job id
 * finds its result; with a ledger (jobLedger.ts) the running job's progress is in the database
 * too, for a page polled on another process of the portal, and the one-at-a-time holds across
 * them all. With `resume` as well, a job claimed with what runs it again is not lost with its
 * process: `watch` takes over one whose process stopped, and closing hands this one's over.
 */
export class BackgroundJobs<Result> {
  private readonly jobs = new Map<string, Job<Result>>();
  private readonly abort = new AbortController();
  private running: { job: Job<Result>; finished: Promise<void>; resumable: boolean } | null = null;
  /** The subject of a job about to start: its request is recording why, before it runs. */
  private claimed: string | null = null;
  /** This process, as the ledger knows the jobs it runs. */
  private readonly owner = randomUUID();
  private watching: ReturnType<typeof setInterval> | null = null;
  /** A look for a job left by a stopped process, under way. */
  private taking: Promise<Job<Result> | null> | null = null;

  constructor(
    private readonly options: {
      readonly keep?: number;
      readonly onError: (error: unknown, job: Job<Result>) => string;
      readonly ledger?: JobLedger;
      /** Runs again a job another process left, from what its claim kept. */
      readonly resume?: JobResumption<Result>;
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
    /** What another process needs to run it again if this one stops (`resume`'s input). */
    resume?: object;
  }): Promise<JobClaim<Result> | null> {
    // After a look for a left job, which may start one here.
    if (this.taking) await this.taking;
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
      if (ledger && !(await ledger.claim(started, this.owner, job.resume ?? null))) {
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
        return this.run(started, work, job.now, Boolean(ledger && job.resume));
      },
      release: async () => {
        if (!open) return;
        close();
        await ledger?.release(started.id);
      },
    };
  }

  /**
   * Looks for a job of the kind whose process stopped, every heartbeat, and runs it here: it
   * keeps its id, so its page goes on showing it. Until `close`.
   */
  watch(): void {
    if (!this.options.ledger || !this.options.resume || this.watching) return;
    this.watching = setInterval(() => void this.takeOver(), heartbeatMs);
    this.watching.unref();
  }

  /** Takes over a job left by a stopped process, if there is one and this one is free. */
  takeOver(): Promise<Job<Result> | null> {
    const { ledger, resume } = this.options;
    const busy = this.running || this.claimed !== null || this.taking || this.abort.signal.aborted;
    if (!ledger || !resume || busy) return Promise.resolve(null);
    this.taking = this.takeOverWith(ledger, resume).finally(() => (this.taking = null));
    return this.taking;
  }

  private async takeOverWith(
    ledger: JobLedger,
    resume: JobResumption<Result>,
  ): Promise<Job<Result> | null> {
    const taken = await ledger.takeOver(this.owner).catch(() => null);
    if (!taken) return null;
    const job: Job<Result> = { ...taken.job, began: performance.now() };
    // Closing meanwhile: it goes back, for another process to take at once.
    const handOver = async () => {
      await ledger.handOver(job.id, this.owner).catch(() => undefined);
      return null;
    };
    if (this.abort.signal.aborted) return handOver();
    let resumed: Awaited<ReturnType<JobResumption<Result>>>;
    try {
      resumed = await resume(taken.resume, job.id);
    } catch (error) {
      // Not run here (the database out of reach, say): left as it was, for another look, until
      // it is given up on like any job left that long.
      if (!(error instanceof ZodError)) {
        await ledger.giveBack(job.id, this.owner, taken.leftAt).catch(() => undefined);
        return null;
      }
      // What it kept does not parse: it cannot run again, and fails, for the page.
      this.remember(job);
      await this.fail(job, error, () => new Date());
      return job;
    }
    if (this.abort.signal.aborted) return handOver();
    job.total = resumed.total;
    return this.run(job, resumed.work, () => new Date(), true);
  }

  private run(
    job: Job<Result>,
    work: JobWork<Result>,
    now: () => Date,
    resumable: boolean,
  ): Job<Result> {
    this.remember(job);
    const ledger = this.options.ledger;
    // Stopped when the app closes, or here alone when another process took it over.
    const stop = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, stop.signal]);
    const write = () =>
      ledger
        ?.progress(job, performance.now() - job.began!, this.owner)
        .then((mine) => mine || stop.abort(new JobHandedOver()))
        .catch(() => undefined);
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
      signal,
    };
    const finished = Promise.resolve()
      .then(() => work(context))
      .then(
        async (result) => {
          job.result = result;
          job.state = 'done';
          job.finishedAt = now();
          await this.record(job);
        },
        async (error: unknown) => {
          if (signal.reason instanceof JobHandedOver) {
            // Not over: its page follows it in the ledger, wherever it goes on.
            this.jobs.delete(job.id);
            await ledger?.handOver(job.id, this.owner).catch(() => undefined);
            return;
          }
          await this.fail(job, error, now);
        },
      )
      .then(() => {
        clearInterval(beat);
        if (due) clearTimeout(due);
      })
      .finally(() => {
        this.running = null;
      });
    this.running = { job, finished, resumable };
    return job;
  }

  private async fail(job: Job<Result>, error: unknown, now: () => Date): Promise<void> {
    job.error = this.options.onError(error, job);
    job.state = 'failed';
    job.finishedAt = now();
    await this.record(job);
  }

  /**
   * A job's outcome in the ledger. Taken over meanwhile (a rebuild overtaken fails before its
   * next heartbeat says so), what happened here is not the job's outcome, which its page follows
   * in the ledger.
   */
  private async record(job: Job<Result>): Promise<void> {
    const mine = await this.options.ledger?.finish(job, this.owner).catch(() => true);
    if (mine === false) this.jobs.delete(job.id);
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

  /**
   * On close: asks the running job to stop and waits for it. One another process can run again
   * is handed over to them (or to this portal's next start), not ended.
   */
  async close(): Promise<void> {
    if (this.watching) clearInterval(this.watching);
    this.abort.abort(this.running?.resumable ? new JobHandedOver() : undefined);
    await this.taking;
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
  start(total: number | null, work: JobWork<Result>): Job<Result>;
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
