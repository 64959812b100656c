import { sql, type Kysely, type Selectable } from 'kysely';
import type { BackgroundJobsTable, Schema } from '../platform/db/schema.js';
import type { Job } from './verifyJobs.js';

/** A running job whose heartbeat is older than this was left by a process that stopped. */
const abandonedAfterSeconds = 30;
/**
 * One another process could run again, left this long, has no process of the portal to take it
 * over (they look every heartbeat): it shows as interrupted, and a new claim ends it.
 */
const unclaimedAfterSeconds = 90;
/** How often a running job's process says it is still at it, and others look for one left. */
export const heartbeatMs = 10_000;

const abandonedSince = sql<Date>`now() - make_interval(secs => ${abandonedAfterSeconds})`;
/** One that says how to run it again: kept input that is not an object cannot. */
const resumable = sql<boolean>`jsonb_typeof(resume) = 'object'`;
/** A running job given up on: its process stopped, and no other will run it again. */
const givenUp = sql<boolean>`state = 'running' and heartbeat_at < now() - make_interval(secs =>
  case when ${resumable} then ${unclaimedAfterSeconds}::int else ${abandonedAfterSeconds}::int end)`;

/**
 * The auditor section's long jobs of one kind in the database (background_jobs), for every
 * process of the portal: the one running a job writes its progress, the others read it; one
 * job of the kind runs at a time across them all. A job whose process stopped is taken over by
 * another within a minute, when it says how to run it again (`resume`); one that does not, or
 * that no process took over in 90 s, shows as interrupted. Times are the database's, whatever
 * each process's clock says. `owner` is the process's own id (BackgroundJobs'): a process that
 * lost its job writes nothing more to it.
 */
export class JobLedger {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly kind: string,
    /** What the page says of a job whose process stopped under it. */
    private readonly abandoned: string,
  ) {}

  /**
   * Records `job` as the kind's running one, unless another runs (or waits to be taken over):
   * then false. One given up on is marked interrupted first (the new one does its work).
   */
  async claim(
    job: Pick<Job<unknown>, 'id' | 'subject' | 'startedBy' | 'startedAt'>,
    owner: string,
    resume: object | null,
  ) {
    await this.db
      .updateTable('background_jobs')
      .set({ state: 'failed', error: this.abandoned, finished_at: sql<Date>`now()` })
      .where('kind', '=', this.kind)
      .where(givenUp)
      .execute();
    const inserted = await this.db
      .insertInto('background_jobs')
      .values({
        id: job.id,
        kind: this.kind,
        subject: job.subject,
        started_by: job.startedBy,
        started_at: job.startedAt,
        state: 'running',
        heartbeat_at: sql<Date>`now()`,
        owner,
        resume: resume && JSON.stringify(resume),
      })
      // The one conflict there can be: the kind's running job (a partial unique index).
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return inserted.numInsertedOrUpdatedRows === 1n;
  }

  /**
   * The kind's running job left by a process that stopped, not yet given up on, now `owner`'s,
   * with what runs it again and when its heartbeat stopped; null when there is none. Of two
   * processes asking at once, one gets it (the other skips the row it locked).
   */
  async takeOver(
    owner: string,
  ): Promise<{ job: Job<never>; resume: unknown; leftAt: Date } | null> {
    const { rows } = await sql<Selectable<BackgroundJobsTable> & { left_at: Date }>`
      with left_job as (
        select id, heartbeat_at from background_jobs
        where kind = ${this.kind} and state = 'running' and ${resumable}
          and heartbeat_at < ${abandonedSince} and not (${givenUp})
        limit 1
        for update skip locked)
      update background_jobs
      set owner = ${owner}, heartbeat_at = now(), processed = 0, elapsed_ms = 0
      from left_job where background_jobs.id = left_job.id
      returning background_jobs.*, left_job.heartbeat_at as left_at`.execute(this.db);
    const row = rows[0];
    return row
      ? {
          job: this.jobOf({ ...row, is_abandoned: false }),
          resume: row.resume,
          leftAt: row.left_at,
        }
      : null;
  }

  /** A job this process stops without finishing, for another to take over at its next look. */
  async handOver(id: string, owner: string): Promise<void> {
    await this.mine(id, owner)
      .set({ heartbeat_at: sql<Date>`${abandonedSince} - interval '1 second'` })
      .execute();
  }

  /**
   * A job taken over that could not start here: as it was, its heartbeat as old as when it was
   * left, so that one which never starts anywhere is given up on in time.
   */
  async giveBack(id: string, owner: string, leftAt: Date): Promise<void> {
    await this.mine(id, owner).set({ heartbeat_at: leftAt }).execute();
  }

  /** Gives back a claim that never started. */
  async release(id: string): Promise<void> {
    await this.db.deleteFrom('background_jobs').where('id', '=', id).execute();
  }

  /** Progress and heartbeat of a job this process runs; false when another took it over. */
  async progress(job: Job<unknown>, elapsedMs: number, owner: string): Promise<boolean> {
    const updated = await this.mine(job.id, owner)
      .set({
        processed: job.processed,
        total: job.total,
        elapsed_ms: Math.round(elapsedMs),
        heartbeat_at: sql<Date>`now()`,
      })
      .executeTakeFirst();
    return updated.numUpdatedRows === 1n;
  }

  /** The outcome of a job this process runs; false when another took it over meanwhile. */
  async finish(job: Job<unknown>, owner: string): Promise<boolean> {
    const updated = await this.mine(job.id, owner)
      .set({
        state: job.state,
        processed: job.processed,
        finished_at: job.finishedAt,
        error: job.error,
        heartbeat_at: sql<Date>`now()`,
      })
      .executeTakeFirst();
    return updated.numUpdatedRows === 1n;
  }

  /** The job `id` while it runs in `owner`'s hands. */
  private mine(id: string, owner: string) {
    return this.db
      .updateTable('background_jobs')
      .where('id', '=', id)
      .where('owner', '=', owner)
      .where('state', '=', 'running');
  }

  /** A job of the kind, by id, as the process running it last wrote it. */
  async find(id: string): Promise<Job<never> | undefined> {
    const row = await this.rows().where('id', '=', id).executeTakeFirst();
    return row && this.jobOf(row);
  }

  /** The kind's running job, in whichever process; null when none runs. */
  async running(): Promise<Job<never> | null> {
    const row = await this.rows().where('state', '=', 'running').executeTakeFirst();
    const job = row && this.jobOf(row);
    return job?.state === 'running' ? job : null;
  }

  private rows() {
    return this.db
      .selectFrom('background_jobs')
      .selectAll()
      .select(
        // One another process may still take over is running, not interrupted.
        givenUp.as('is_abandoned'),
      )
      .where('kind', '=', this.kind);
  }

  private jobOf(row: Selectable<BackgroundJobsTable> & { is_abandoned: boolean }): Job<never> {
    return {
      id: row.id,
      subject: row.subject,
      startedBy: row.started_by,
      startedAt: row.started_at,
      state: row.is_abandoned ? 'failed' : row.state,
      processed: Number(row.processed),
      total: row.total === null ? null : Number(row.total),
      // Its pace, as the process running it measured it.
      began: performance.now() - Number(row.elapsed_ms),
      finishedAt: row.finished_at,
      result: null,
      error: row.is_abandoned ? this.abandoned : row.error,
    };
  }
}

/** The portal's one slot for rebuilding read models: the auditors' page and the command line. */
export const rebuildLedger = (db: Kysely<Schema>): JobLedger =>
  new JobLedger(
    db,
    'ricostruzione',
    'La ricostruzione si è interrotta: il processo che la eseguiva si è fermato. Avviala di nuovo.',
  );
