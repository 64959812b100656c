import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobLedger } from '../../src/audit/jobLedger.js';
import { BackgroundJobs, JobHandedOver, type JobContext } from '../../src/audit/verifyJobs.js';
import { backends, openTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { heartbeatStopped, jobRow } from './verifySupport.js';

const now = () => new Date('2026-12-07T09:00:00.000Z');
const resumeInput = z.object({ upTo: z.number().int().positive() });

/**
 * A job of the auditor section in one portal process, as another process sees it: each
 * "process" is its own BackgroundJobs over the same database. Its work counts to `upTo`, one
 * batch every few milliseconds, and waits at `holdAt` until the signal stops it.
 */
function portalProcess(test: TestDatabase, holdAt = Infinity) {
  const seen: { stoppedBy: unknown }[] = [];
  const count =
    (upTo: number) =>
    async ({ progress, signal }: JobContext): Promise<number> => {
      for (let n = 1; n <= upTo; n++) {
        while (n >= holdAt && !signal.aborted) await pause(5);
        if (signal.aborted) {
          seen.push({ stoppedBy: signal.reason });
          throw signal.reason as Error;
        }
        progress(n);
        await pause(1);
      }
      return upTo;
    };
  const jobs = new BackgroundJobs<number>({
    onError: (error) => `Non riuscita: ${error instanceof Error ? error.message : String(error)}`,
    ledger: new JobLedger(test.database.db, 'prova', 'Interrotta: avviala di nuovo.'),
    resume: async (resume) => {
      const { upTo } = resumeInput.parse(resume);
      return { total: upTo, work: count(upTo) };
    },
  });
  const start = async (upTo: number, resumable = true) => {
    const claim = await jobs.claim({
      subject: 'registro',
      startedBy: 'Renato Revisore (revisore)',
      now,
      ...(resumable && { resume: { upTo } }),
    });
    return claim!.start(upTo, count(upTo));
  };
  return { jobs, start, seen };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends())('auditor jobs taken over across processes (%s)', (backend) => {
  let test: TestDatabase;
  const closing: BackgroundJobs<number>[] = [];
  beforeEach(async () => {
    test = await openTestDatabase(backend);
  });
  afterEach(async () => {
    for (const jobs of closing.splice(0)) await jobs.close();
    await test.drop();
  });
  const process = (holdAt?: number) => {
    const made = portalProcess(test, holdAt);
    closing.push(made.jobs);
    return made;
  };
  const row = (id: string) => jobRow(test.database.db, id);
  /** Its first progress written (after that, only its 10 s heartbeat would write). */
  const progressWritten = (id: string) =>
    expect
      .poll(async () => Number((await row(id)).processed), { timeout: 5_000 })
      .toBeGreaterThan(0);
  /** A job of a process about to be "killed": started, its first progress written. */
  const leftBehind = async (upTo: number) => {
    const job = await process(10).start(upTo);
    await progressWritten(job.id);
    return job;
  };
  const leftFor = async (id: string) =>
    Number(
      (
        await sql<{ seconds: string }>`select extract(epoch from now() - heartbeat_at) as seconds
          from background_jobs where id = ${id}`.execute(test.database.db)
      ).rows[0]!.seconds,
    );
  const heartbeatStops = (id: string, seconds?: number) =>
    heartbeatStopped(test.database.db, id, seconds);

  it('runs a job left by a stopped process again, under its id, in one process only', async () => {
    const killed = process(50);
    const job = await killed.start(200);
    await progressWritten(job.id);
    const before = await row(job.id);
    await heartbeatStops(job.id);

    // Two processes look at once: one takes it.
    const [b, c] = [process(), process()];
    const taken = await Promise.all([b.jobs.takeOver(), c.jobs.takeOver()]);
    const [mine] = taken.filter((each) => each !== null);
    expect(taken.filter((each) => each !== null)).toHaveLength(1);
    expect(mine).toMatchObject({ id: job.id, subject: 'registro', total: 200 });
    expect(mine!.startedBy).toBe('Renato Revisore (revisore)');
    const taker = taken[0] ? b : c;
    await taker.jobs.settled();
    expect(mine).toMatchObject({ state: 'done', result: 200 });
    const after = await row(job.id);
    expect(after.state).toBe('done');
    expect(after.owner).not.toBe(before.owner);

    // The stopped one, still alive after all, learns at its next write that it is not its
    // job any more: it stops, and writes nothing over the outcome.
    await killed.jobs.settled();
    expect(killed.seen).toHaveLength(1);
    expect(killed.seen[0]!.stoppedBy).toBeInstanceOf(JobHandedOver);
    expect(await row(job.id)).toEqual(after);
    // Its page, on that process too, follows the ledger: done.
    expect(await killed.jobs.find(job.id)).toMatchObject({ state: 'done' });
  });

  it('hands a job over when its process closes, to be taken at once', async () => {
    const stopping = process(10);
    const job = await stopping.start(50);
    await progressWritten(job.id);
    await stopping.jobs.close();
    expect(stopping.seen).toHaveLength(1);
    expect(stopping.seen[0]!.stoppedBy).toBeInstanceOf(JobHandedOver);
    // Still running, for the page: not interrupted, not failed.
    const next = process();
    expect(await next.jobs.find(job.id)).toMatchObject({ state: 'running', error: null });
    // One closing as it takes it gives it back, unstarted.
    const closing = process();
    const takenWhileClosing = closing.jobs.takeOver();
    await closing.jobs.close();
    expect(await takenWhileClosing).toBeNull();
    const taken = await next.jobs.takeOver();
    expect(taken?.id).toBe(job.id);
    await next.jobs.settled();
    expect(await row(job.id)).toMatchObject({ state: 'done' });
  });

  it('keeps a left job for a process to take over: a new claim waits, unless none came', async () => {
    const job = await leftBehind(50);
    await heartbeatStops(job.id);
    const other = process();
    // Left 45 s ago: another process takes it within seconds, so a new request is refused.
    expect(await other.jobs.claim({ subject: 'registro', startedBy: 'x', now })).toBeNull();
    expect(await other.jobs.find(job.id)).toMatchObject({ state: 'running', error: null });
    // Left for minutes, no process of the portal took it: interrupted, and a new one starts.
    await heartbeatStops(job.id, 120);
    expect(await other.jobs.find(job.id)).toMatchObject({
      state: 'failed',
      error: 'Interrotta: avviala di nuovo.',
    });
    const fresh = await other.jobs.claim({ subject: 'registro', startedBy: 'x', now });
    expect(fresh).not.toBeNull();
    await fresh!.release();
    expect(await row(job.id)).toMatchObject({ state: 'failed' });
  });

  it('gives a job back when the database fails as it takes it over, and skips kept junk', async () => {
    const job = await leftBehind(50);
    await heartbeatStops(job.id);
    let down = true;
    let resumed = 0;
    const flaky = new BackgroundJobs<number>({
      onError: () => 'errore',
      ledger: new JobLedger(test.database.db, 'prova', 'Interrotta.'),
      resume: async () => {
        resumed++;
        if (down) throw new Error('connessione persa');
        return { total: 1, work: async () => 1 };
      },
    });
    closing.push(flaky);
    expect(await flaky.takeOver()).toBeNull();
    expect(resumed).toBe(1);
    // Given back, not failed, its heartbeat as old as when it was left (so that one which never
    // starts is given up on in time): the next look takes it.
    expect(await row(job.id)).toMatchObject({ state: 'running' });
    expect(await leftFor(job.id)).toBeGreaterThanOrEqual(45);
    down = false;
    await heartbeatStops(job.id);
    expect(await flaky.takeOver()).toMatchObject({ id: job.id });
    await flaky.settled();
    expect(await row(job.id)).toMatchObject({ state: 'done' });

    // What a job kept must be an object to be run again: anything else is left alone.
    const junk = await leftBehind(50);
    await sql`update background_jobs set resume = '"tutti"'::jsonb where id = ${junk.id}`.execute(
      test.database.db,
    );
    await heartbeatStops(junk.id);
    const before = await row(junk.id);
    expect(await process().jobs.takeOver()).toBeNull();
    expect(await row(junk.id)).toEqual(before);
    // Nor one given up on: left for minutes, it stays interrupted.
    const old = await leftBehind(50);
    await heartbeatStops(old.id, 120);
    expect(await process().jobs.takeOver()).toBeNull();
    expect(await process().jobs.find(old.id)).toMatchObject({ state: 'failed' });
  });

  it('leaves a job that cannot run again interrupted, and takes over nothing fresh', async () => {
    const first = process(10);
    const job = await first.start(50, false);
    const other = process();
    // Running, its heartbeat fresh: nothing to take over.
    expect(await other.jobs.takeOver()).toBeNull();
    await heartbeatStops(job.id);
    expect(await other.jobs.takeOver()).toBeNull();
    expect(await other.jobs.find(job.id)).toMatchObject({
      state: 'failed',
      error: 'Interrotta: avviala di nuovo.',
    });
  });

  it('fails a job whose kept input no longer runs, for the page to say so', async () => {
    const first = process(10);
    const claim = await first.jobs.claim({
      subject: 'registro',
      startedBy: 'x',
      now,
      resume: { upTo: 'tutti' },
    });
    const job = claim!.start(5, async () => 5);
    await first.jobs.settled();
    // As if it had stopped before finishing:
    await sql`update background_jobs set state = 'running' where id = ${job.id}`.execute(
      test.database.db,
    );
    await heartbeatStops(job.id);
    const taken = await process().jobs.takeOver();
    expect(taken).toMatchObject({ id: job.id, state: 'failed' });
    expect(taken?.error).toMatch(/^Non riuscita: /);
    expect(await row(job.id)).toMatchObject({ state: 'failed' });
  });
});
