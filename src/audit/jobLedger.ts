import { sql, type Kysely, type Selectable } from 'kysely';
import type { BackgroundJobsTable, Schema } from '../platform/db/schema.js';
import type { Job } from './verifyJobs.js';

/** A running job whose heartbeat is older than this was left by a process that stopped. */
const abandonedAfterSeconds = 60;
/** How often a running job's process says it is still at it. */
export const heartbeatMs = 10_000;

/**
 * The auditor section's long jobs of one kind in the database (background_jobs), for every
 * process of the portal: the one running a job writes its progress, the others read it; one
 * job of the kind runs at a time across them all. Times are the database's, whatever each
 * process's clock says.
 */
export class JobLedger {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly kind: string,
    /** What the page says of a job whose process stopped under it. */
    private readonly abandoned: string,
  ) {}

  /**
   * Records `job` as the kind's running one, unless another runs: then false. One left running
   * by a process that stopped is marked interrupted first.
   */
  async claim(job: Pick<Job<unknown>, 'id' | 'subject' | 'startedBy' | 'startedAt'>) {
    await this.db
      .updateTable('background_jobs')
      .set({ state: 'failed', error: this.abandoned, finished_at: sql<Date>`now()` })
      .where('kind', '=', this.kind)
      .where('state', '=', 'running')
      .where(
        'heartbeat_at',
        '<',
        sql<Date>`now() - make_interval(secs => ${abandonedAfterSeconds})`,
      )
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
      })
      // The one conflict there can be: the kind's running job (a partial unique index).
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return inserted.numInsertedOrUpdatedRows === 1n;
  }

  /** Gives back a claim that never started. */
  async release(id: string): Promise<void> {
    await this.db.deleteFrom('background_jobs').where('id', '=', id).execute();
  }

  /** Progress and heartbeat of a job this process runs. */
  async progress(job: Job<unknown>, elapsedMs: number): Promise<void> {
    await this.db
      .updateTable('background_jobs')
      .set({
        processed: job.processed,
        total: job.total,
        elapsed_ms: Math.round(elapsedMs),
        heartbeat_at: sql<Date>`now()`,
      })
      .where('id', '=', job.id)
      .execute();
  }

  async finish(job: Job<unknown>): Promise<void> {
    await this.db
      .updateTable('background_jobs')
      .set({
        state: job.state,
        processed: job.processed,
        finished_at: job.finishedAt,
        error: job.error,
        heartbeat_at: sql<Date>`now()`,
      })
      .where('id', '=', job.id)
      .execute();
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
        sql<boolean>`state = 'running' and heartbeat_at < now() - make_interval(secs => ${abandonedAfterSeconds})`.as(
          'is_abandoned',
        ),
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
