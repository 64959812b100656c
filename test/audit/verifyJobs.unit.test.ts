import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackgroundJobs, pace, percent } from '../../src/audit/verifyJobs.js';

const now = () => new Date('2026-11-23T10:00:00.000Z');
const job = (subject: string) => ({ subject, startedBy: 'Renato Revisore', total: 200, now });

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
  it('runs one job at a time: a second request follows the running one', async () => {
    const jobs = new BackgroundJobs<string>({ onError: () => 'errore' });
    const work = controllable<string>();
    const first = jobs.start(job('log'), ({ progress }) => {
      progress(50);
      return work.done;
    });
    const second = jobs.start(job('log'), () => Promise.resolve('mai'));
    expect(first.started).toBe(true);
    expect(second).toEqual({ job: first.job, started: false });
    await Promise.resolve();
    expect(jobs.current()?.processed).toBe(50);
    expect(percent(first.job)).toBe(25);

    work.finish('fatto');
    await jobs.close();
    expect(jobs.current()).toBeNull();
    expect(jobs.get(first.job.id)).toMatchObject({ state: 'done', result: 'fatto' });
    expect(percent(first.job)).toBe(100);
    expect(jobs.start(job('log'), () => Promise.resolve('ancora')).started).toBe(true);
  });

  it('keeps the failure as a sentence for the page', async () => {
    const jobs = new BackgroundJobs<string>({ onError: (error) => `Interrotta: ${String(error)}` });
    const work = controllable<string>();
    const { job: started } = jobs.start(job('accounts'), () => work.done);
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
    const { job: started } = jobs.start(
      job('log'),
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
    expect(jobs.get(ids[0]!)).toBeUndefined();
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
  const now = () => new Date('2026-11-23T10:00:00Z');

  it('gives the slot to one claim at a time, and names what holds it', async () => {
    const jobs = new BackgroundJobs<number>({ onError: () => 'errore' });
    const first = jobs.claim('accounts');
    expect(first).not.toBeNull();
    expect(jobs.claim('contracts')).toBeNull();
    expect(jobs.busyWith()).toBe('accounts');

    let finish = (_: number) => {};
    const done = new Promise<number>((resolve) => (finish = resolve));
    const job = first!.start({ startedBy: 'Olga', total: null, now }, () => done);
    expect(job.subject).toBe('accounts');
    expect(jobs.current()).toBe(job);
    expect(jobs.claim('contracts')).toBeNull();
    expect(jobs.busyWith()).toBe('accounts');
    finish(3);
    await jobs.close();
    expect(job.state).toBe('done');
    expect(jobs.claim('contracts')).not.toBeNull();
  });

  it('frees the slot when the claim is released, and a claim is used once', () => {
    const jobs = new BackgroundJobs<number>({ onError: () => 'errore' });
    const claim = jobs.claim('accounts')!;
    claim.release();
    claim.release();
    expect(jobs.busyWith()).toBeNull();
    expect(() => claim.start({ startedBy: 'Olga', total: null, now }, async () => 1)).toThrow(
      'This claim was already used',
    );
    expect(jobs.claim('contracts')).not.toBeNull();
  });
});
