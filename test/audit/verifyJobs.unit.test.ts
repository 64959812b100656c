import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackgroundJobs, pace, percent, type JobClaim } from '../../src/audit/verifyJobs.js';

const now = () => new Date('2026-11-23T10:00:00.000Z');
const job = (subject: string) => ({ subject, startedBy: 'Renato Revisore', now });

/** A job that waits for the test to finish it. */
function controllable<T>() {
  let finish!: (value: T) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish, fail };
}

describe('background jobs of the auditor section', () => {
  /** Claims the slot and starts `work` in it (the claim must be given). */
  const start = async (
    jobs: BackgroundJobs<string>,
    subject: string,
    work: Parameters<JobClaim<string>['start']>[1],
  ) => (await jobs.claim(job(subject)))!.start(200, work);

  it('runs one job at a time: a second claim is refused while it runs', async () => {
    const jobs = new BackgroundJobs<string>({ onError: () => 'errore' });
    const work = controllable<string>();
    const first = await start(jobs, 'log', ({ progress }) => {
      progress(50);
      return work.done;
    });
    expect(await jobs.claim(job('log'))).toBeNull();
    await Promise.resolve();
    expect((await jobs.current())?.processed).toBe(50);
    expect(percent(first)).toBe(25);

    work.finish('fatto');
    await jobs.close();
    expect(await jobs.current()).toBeNull();
    expect(await jobs.find(first.id)).toMatchObject({ state: 'done', result: 'fatto' });
    expect(percent(first)).toBe(100);
    expect(await jobs.claim(job('log'))).not.toBeNull();
  });

  it('keeps the failure as a sentence for the page', async () => {
    const jobs = new BackgroundJobs<string>({ onError: (error) => `Interrotta: ${String(error)}` });
    const work = controllable<string>();
    const started = await start(jobs, 'accounts', () => work.done);
    work.fail(new Error('connessione persa'));
    await jobs.close();
    expect(started).toMatchObject({
      state: 'failed',
      error: 'Interrotta: Error: connessione persa',
    });
    expect(started.finishedAt).toEqual(now());
  });

  it('asks the running job to stop when the app closes', async () => {
    const jobs = new BackgroundJobs<string>({ onError: () => 'fermata' });
    // Like verifyLog, the job looks at the signal between batches.
    const started = await start(
      jobs,
      'log',
      ({ signal }) =>
        new Promise<string>((_resolve, reject) => {
          const nextBatch = () =>
            signal.aborted ? reject(signal.reason as Error) : setTimeout(nextBatch, 5);
          nextBatch();
        }),
    );
    await jobs.close();
    expect(started.state).toBe('failed');
  });

  it('forgets the oldest finished jobs beyond the ones it keeps', async () => {
    const jobs = new BackgroundJobs<number>({ keep: 3, onError: () => '' });
    const ids = [1, 2, 3, 4].map(
      (n) => jobs.completed(`id-${n}`, `s${n}`, 'x', n, { startedAt: now(), finishedAt: now() }).id,
    );
    expect(await jobs.find(ids[0]!)).toBeUndefined();
    expect(jobs.recent().map((j) => j.id)).toEqual(['id-4', 'id-3', 'id-2']);
  });
});

describe('the pace of a running job', () => {
  it('gives the events a second so far and the seconds left at that pace', () => {
    const running = { state: 'running' as const, processed: 1_000, total: 5_000 };
    const { perSecond, secondsLeft } = pace({ ...running, began: performance.now() - 2_000 });
    expect(perSecond).toBeGreaterThan(400);
    expect(perSecond).toBeLessThanOrEqual(500);
    expect(secondsLeft).toBeGreaterThanOrEqual(8);
    expect(secondsLeft).toBeLessThan(10);
    expect(pace({ ...running, total: null, began: performance.now() - 2_000 }).secondsLeft).toBe(
      null,
    );
    expect(pace({ ...running, processed: 0, began: performance.now() })).toEqual({
      perSecond: null,
      secondsLeft: null,
    });
    expect(pace({ ...running, state: 'done', began: 0 }).perSecond).toBe(null);
  });
});

describe('the progress partial', () => {
  const eta = new Eta({
    views: fileURLToPath(new URL('../../views', import.meta.url)),
    autoEscape: true,
    autoTrim: false,
  });
  const base = {
    id: 'j1',
    startedBy: 'Renato',
    startedAt: now(),
    pollUrl: '/revisione/verifica/j1/avanzamento',
    pageUrl: '/revisione/verifica/j1',
    error: null,
  };

  it('asks to be polled every second while the job runs, with a progress bar', () => {
    const html = eta.render('audit/_verifyProgress', {
      job: {
        ...base,
        state: 'running',
        processed: 15000,
        total: 40000,
        percent: 37,
        perSecond: 21000,
        secondsLeft: 130,
        result: null,
      },
    });
    expect(html).toContain('21.000 eventi al secondo · mancano circa 3 minuti');
    expect(html).toContain('hx-get="/revisione/verifica/j1/avanzamento"');
    expect(html).toContain('hx-trigger="every 1s"');
    expect(html).toContain('15.000 eventi elaborati su 40.000 (37%)');
    expect(html).toMatch(/<progress class="w-100" max="100" value="37"/);
    expect(html).toContain('href="/revisione/verifica/j1"');
  });

  it('stops polling and names each broken link once done', () => {
    const html = eta.render('audit/_verifyProgress', {
      job: {
        ...base,
        state: 'done',
        processed: 10,
        total: 10,
        percent: 100,
        result: {
          events: 10,
          streams: 2,
          breakCount: 1,
          breaks: [
            {
              streamId: 'contract-<b>',
              version: 3,
              problem: 'missing',
              href: '/revisione/stream/contract-%3Cb%3E#v3',
            },
          ],
        },
      },
    });
    expect(html).not.toContain('hx-trigger');
    expect(html).toContain('Catena spezzata.');
    expect(html).toContain(
      '<tr><td><a href="/revisione/stream/contract-%3Cb%3E#v3">contract-&lt;b&gt;</a></td><td>3</td><td>Evento mancante</td></tr>',
    );
  });
});

describe('claiming the slot before a job starts', () => {
  it('gives the slot to one claim at a time, taken before anything is awaited', async () => {
    const jobs = new BackgroundJobs<number>({ onError: () => 'errore' });
    const [first, second] = await Promise.all([
      jobs.claim(job('accounts')),
      jobs.claim(job('contracts')),
    ]);
    expect(first).not.toBeNull();
    expect(second).toBeNull();

    let finish = (_: number) => {};
    const done = new Promise<number>((resolve) => (finish = resolve));
    const started = first!.start(null, () => done);
    expect(started).toMatchObject({ id: first!.id, subject: 'accounts', total: null });
    expect(await jobs.current()).toBe(started);
    expect(await jobs.claim(job('contracts'))).toBeNull();
    finish(3);
    await jobs.close();
    expect(started.state).toBe('done');
    expect(await jobs.claim(job('contracts'))).not.toBeNull();
  });

  it('frees the slot when the claim is released, and a claim is used once', async () => {
    const jobs = new BackgroundJobs<number>({ onError: () => 'errore' });
    const claim = (await jobs.claim(job('accounts')))!;
    await claim.release();
    await claim.release();
    expect(() => claim.start(null, async () => 1)).toThrow('This claim was already used');
    expect(await jobs.claim(job('contracts'))).not.toBeNull();
  });
});
