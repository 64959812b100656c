import { sql } from 'kysely';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  recentVerifications,
  runVerification,
  verificationsStream,
  type IntegrityVerificationFailed,
  type IntegrityVerified,
} from '../../src/audit/verifyIntegrity.js';
import { JobLedger } from '../../src/audit/jobLedger.js';
import { BackgroundJobs } from '../../src/audit/verifyJobs.js';
import { openPglite, type Database } from '../../src/platform/db/database.js';
import type {
  EventStore,
  ReadStreamOptions,
  RecordedEvent,
} from '../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { runCli } from '../support/cli.js';
import { TestClient } from '../support/client.js';
import { newEvent } from '../support/events.js';
import {
  startTestApp,
  testSeal,
  testSealEnv,
  testTagKey,
  type TestApp,
} from '../support/testApp.js';
import {
  backends,
  migratedDataDir,
  openTestDatabase,
  postgresUrl,
} from '../support/testDatabase.js';
import {
  auditPeople,
  heartbeatStopped,
  jobRow,
  mainOf,
  tamper,
  type AuditPeople,
} from './verifySupport.js';

/** The rows of the page's table of broken links. */
function breakRows(body: string): { streamId: string; version: number; problem: string }[] {
  const row = /<tr><td><a href="[^"]+">([^<]+)<\/a><\/td><td>(\d+)<\/td><td>([^<]+)<\/td><\/tr>/g;
  return [...body.matchAll(row)].map((m) => ({
    streamId: m[1]!,
    version: Number(m[2]),
    problem: m[3]!,
  }));
}

async function verifications(store: EventStore): Promise<RecordedEvent[]> {
  const { events } = await store.readStream(verificationsStream.id());
  return events.filter((event) => event.type === 'IntegrityVerified');
}

const dataOf = (event: RecordedEvent | undefined) =>
  event?.data as unknown as IntegrityVerified['data'] | undefined;

async function failures(store: EventStore) {
  const { events } = await store.readStream(verificationsStream.id());
  return events.filter((event) => event.type === 'IntegrityVerificationFailed');
}

const now = () => new Date();

const systemRun = () => ({
  correlationId: randomUUID(),
  actor: { id: 'system', role: 'system' },
  clientIp: null,
});

/** Follows a whole-log job as htmx does, until its partial stops asking to be polled. */
async function pollUntilDone(client: TestClient, jobUrl: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const partial = await client.get(`${jobUrl}/avanzamento`, { 'hx-request': 'true' });
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain('<html');
    if (!partial.body.includes('hx-trigger="every 1s"')) return partial.body;
    expect(partial.body).toMatch(/<progress[^>]* max="100"/);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The verification did not finish');
}

describe.each(backends())('%s: integrity verification (/revisione/verifica)', (backend) => {
  let ctx: TestApp;
  const transparency = () => ({
    db: ctx.test.database.db,
    publicKey: testSeal.publicKey,
    tagKey: testTagKey,
    witness: ctx.headWitness,
  });
  let people: AuditPeople;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    people = await auditPeople(ctx);
    await ctx.store.appendToStream('sample-clean', [newEvent('SampleRecorded', { n: 1 })]);
    await ctx.store.appendToStream('sample-altered', [
      newEvent('SampleRecorded', { by: 'operator-1' }),
      newEvent('SampleChecked', { by: 'operator-1' }),
      newEvent('SampleClosed', { by: 'operator-1' }),
    ]);
    await ctx.store.appendToStream('sample-gap', [
      newEvent('SampleRecorded', { n: 1 }),
      newEvent('SampleRecorded', { n: 2 }),
      newEvent('SampleRecorded', { n: 3 }),
    ]);
    await ctx.store.appendToStream('sample-tail', [
      newEvent('SampleRecorded', { n: 1 }),
      newEvent('SampleRecorded', { n: 2 }),
    ]);
  });
  afterAll(() => ctx.close());

  it('verifies one stream in the request and records who checked it, from where', async () => {
    const response = await people.auditor.post('/revisione/verifica/flusso', {
      flusso: 'sample-clean',
    });
    expect(response.statusCode).toBe(303);
    const location = response.headers.location!;
    expect(location).toMatch(/^\/revisione\/verifica\/[0-9a-f-]{36}$/);

    const page = await people.auditor.get(location);
    expect(page.statusCode).toBe(200);
    expect(mainOf(page.body)).toContain('Catena integra.');
    expect(mainOf(page.body)).toContain('1 eventi in 1 flussi verificati');

    const recorded = (await verifications(ctx.store)).at(-1)!;
    expect(dataOf(recorded)).toMatchObject({
      verificationId: location.split('/').at(-1),
      scope: 'sample-clean',
      events: 1,
      streams: 1,
      breaks: [],
      breakCount: 0,
    });
    expect(recorded.metadata.actor).toEqual({ id: people.auditorId, role: 'auditor' });
    expect(recorded.metadata.clientIp).toBe('127.0.0.1');
    const { startedAt, finishedAt } = dataOf(recorded)!;
    expect(Date.parse(finishedAt)).toBeGreaterThanOrEqual(Date.parse(startedAt));

    // The head a third party compares an export's chainHeads with, on the page and in the record.
    const { events } = await ctx.store.readStream('sample-clean');
    const head = { version: 1, hash: events[0]!.hash };
    expect(dataOf(recorded)!.head).toEqual(head);
    expect(mainOf(page.body)).toMatch(
      new RegExp(
        `Testa della catena</dt>\\s*<dd[^>]*>versione 1, impronta SHA-256 <code>${head.hash}</code>`,
      ),
    );
  });

  it('records a verification that failed, with the reason, and shows it as not concluded', async () => {
    const broken: EventStore = {
      ...ctx.store,
      chain: undefined,
      readAll: () => Promise.reject(new Error('Lettura del registro non riuscita')),
    };
    const verificationId = randomUUID();
    await expect(
      runVerification(
        { store: broken, clock: () => new Date(), transparency: transparency() },
        { verificationId, scope: 'log', context: systemRun() },
      ),
    ).rejects.toThrow('Lettura del registro non riuscita');
    const recorded = (await failures(ctx.store)).at(-1);
    expect(recorded?.data as unknown as IntegrityVerificationFailed['data']).toMatchObject({
      verificationId,
      scope: 'log',
      outcome: 'failed',
      reason: 'Lettura del registro non riuscita',
      events: 0,
    });
    expect(recorded?.metadata.actor).toEqual({ id: 'system', role: 'system' });

    const list = mainOf((await people.auditor.get('/revisione/verifica')).body);
    expect(list).toContain('Non riuscita dopo 0 eventi: Lettura del registro non riuscita');
    const result = await people.auditor.get(`/revisione/verifica/${verificationId}`);
    expect(result.statusCode).toBe(200);
    expect(mainOf(result.body)).toContain(
      'Non riuscita dopo 0 eventi: Lettura del registro non riuscita',
    );
    expect(mainOf(result.body)).not.toContain('Catena integra');
  });

  it('records a verification stopped because the service was stopping as aborted', async () => {
    const stopping = new AbortController();
    stopping.abort();
    const verificationId = randomUUID();
    await expect(
      runVerification(
        { store: ctx.store, clock: () => new Date(), transparency: transparency() },
        { verificationId, scope: 'log', context: systemRun(), signal: stopping.signal },
      ),
    ).rejects.toThrow();
    const recorded = (await failures(ctx.store)).at(-1);
    expect(recorded?.data as unknown as IntegrityVerificationFailed['data']).toMatchObject({
      verificationId,
      outcome: 'aborted',
      reason: 'Il servizio si stava arrestando: verifica interrotta.',
    });
    const list = mainOf((await people.auditor.get('/revisione/verifica')).body);
    expect(list).toContain('Interrotta dopo');
  });

  it('lists the recent verifications from the tail of the record, not the whole stream', async () => {
    for (let run = 0; run < 12; run++) {
      await runVerification(
        { store: ctx.store, clock: () => new Date(), transparency: transparency() },
        { verificationId: randomUUID(), scope: 'sample-clean', context: systemRun() },
      );
    }
    const reads: { streamId: string; options?: ReadStreamOptions; events: number }[] = [];
    const spied: EventStore = {
      ...ctx.store,
      async readStream(streamId, options) {
        const result = await ctx.store.readStream(streamId, options);
        reads.push({ streamId, options, events: result.events.length });
        return result;
      },
    };
    const recent = await recentVerifications(spied, 10);
    expect(recent).toHaveLength(10);
    const { events } = await ctx.store.readStream(verificationsStream.id());
    expect(events.length).toBeGreaterThan(10);
    expect(recent.map((verification) => verification.verificationId)).toEqual(
      events
        .slice(-10)
        .reverse()
        .map((event) => (event.data as { verificationId: string }).verificationId),
    );
    // Each read is bounded: the stream's length alone, or a range from a version.
    expect(
      reads.every(
        (read) => read.options?.toVersion === 0 || read.options?.fromVersion !== undefined,
      ),
    ).toBe(true);
    expect(reads.reduce((sum, read) => sum + read.events, 0)).toBe(10);
  });

  it('names the altered event of a stream, by stream and version', async () => {
    await tamper(
      ctx.test.database,
      sql`update events set data = jsonb_set(data::jsonb, '{by}', '"operator-2"')::json
          where stream_id = 'sample-altered' and version = 2`,
    );
    const response = await people.auditor.post('/revisione/verifica/flusso', {
      flusso: 'sample-altered',
    });
    const page = await people.auditor.get(response.headers.location!);
    expect(mainOf(page.body)).toContain('Catena spezzata.');
    expect(breakRows(page.body)).toEqual([
      { streamId: 'sample-altered', version: 2, problem: 'Evento alterato' },
    ]);
    expect(dataOf((await verifications(ctx.store)).at(-1))).toMatchObject({
      scope: 'sample-altered',
      breakCount: 1,
      breaks: [{ streamId: 'sample-altered', version: 2, problem: 'altered' }],
    });
  });

  it('verifies the whole log in the background, naming altered and missing events', async () => {
    await tamper(
      ctx.test.database,
      sql`delete from events where stream_id = 'sample-gap' and version = 2`,
    );
    // The last event removed: no later event shows a gap, the stream's recorded head does.
    await tamper(
      ctx.test.database,
      sql`delete from events where stream_id = 'sample-tail' and version = 2`,
    );
    const started = await people.auditor.post('/revisione/verifica/archivio', {});
    expect(started.statusCode).toBe(303);
    const jobUrl = started.headers.location!;
    const page = await people.auditor.get(jobUrl);
    expect(page.statusCode).toBe(200);
    expect(mainOf(page.body)).toContain('Verifica dell’intero archivio');

    const partial = await pollUntilDone(people.auditor, jobUrl);
    expect(partial).toContain('Catena spezzata.');
    expect(breakRows(partial)).toEqual([
      { streamId: 'sample-altered', version: 2, problem: 'Evento alterato' },
      { streamId: 'sample-gap', version: 2, problem: 'Evento mancante' },
      { streamId: 'sample-tail', version: 2, problem: 'Evento mancante' },
    ]);

    const recorded = (await verifications(ctx.store)).at(-1)!;
    expect(dataOf(recorded)).toMatchObject({
      verificationId: jobUrl.split('/').at(-1),
      scope: 'log',
      breakCount: 3,
    });
    expect(dataOf(recorded)!.events).toBeGreaterThan(10);
    expect(recorded.metadata.actor.id).toBe(people.auditorId);
    expect(recorded.metadata.clientIp).toBe('127.0.0.1');

    // A reload by job id finds the result.
    const reloaded = await people.auditor.get(jobUrl);
    expect(breakRows(reloaded.body)).toHaveLength(3);
  });

  it('finds a verification this process did not run in the record (after a restart)', async () => {
    const verificationId = randomUUID();
    // Run outside the app's job list, as if by the process before a restart.
    await runVerification(
      { store: ctx.store, clock: () => new Date(), transparency: transparency() },
      {
        verificationId,
        scope: 'sample-clean',
        context: {
          correlationId: randomUUID(),
          actor: { id: 'system', role: 'system' },
          clientIp: null,
        },
      },
    );
    const page = await people.auditor.get(`/revisione/verifica/${verificationId}`);
    expect(page.statusCode).toBe(200);
    expect(mainOf(page.body)).toContain('Verifica del flusso sample-clean');
    expect(mainOf(page.body)).toContain('Catena integra.');
    // And the list of recorded verifications, newest first, names who ran it.
    const list = mainOf((await people.auditor.get('/revisione/verifica')).body);
    const recent = list.slice(list.indexOf('Ultime verifiche registrate'));
    expect(recent.indexOf(`/revisione/verifica/${verificationId}`)).toBeGreaterThan(0);
    expect(recent).toMatch(/sample-clean<\/a><\/td>\s*<td>sistema<\/td>/);
    expect(recent).toContain('Renato Revisore (revisore)');
  });

  it('follows a verification another process of the portal runs, and one it left behind', async () => {
    // "Another process": jobs of its own over the same database.
    const ledger = () => new JobLedger(ctx.test.database.db, 'verifica', 'Interrotta.');
    const elsewhere = new BackgroundJobs<never>({ onError: () => 'errore', ledger: ledger() });
    let finish = () => {};
    const claim = (await elsewhere.claim({ subject: 'log', startedBy: 'Altro processo', now }))!;
    const running = claim.start(1_000, async ({ progress }) => {
      progress(250);
      await new Promise<void>((resolve) => (finish = resolve));
      throw new Error('fermata per la prova');
    });
    const jobUrl = `/revisione/verifica/${running.id}`;
    await expect
      .poll(async () => (await people.auditor.get(`${jobUrl}/avanzamento`)).body, {
        timeout: 5_000,
      })
      .toContain('250 eventi elaborati su 1000 (25%)');
    // Asked again here, the archive's verification is the one already running there.
    const asked = await people.auditor.post('/revisione/verifica/archivio', {});
    expect(asked.headers.location).toBe(jobUrl);
    finish();
    await elsewhere.close();
    expect((await people.auditor.get(`${jobUrl}/avanzamento`)).body).toContain('errore');

    // A process killed mid-job: its heartbeat stops, and the page says so.
    const killed = { id: randomUUID(), subject: 'log', startedBy: 'Ucciso', startedAt: now() };
    expect(await ledger().claim(killed, 'killed-process', null)).toBe(true);
    await heartbeatStopped(ctx.test.database.db, killed.id, 120);
    expect(
      (await people.auditor.get(`/revisione/verifica/${killed.id}/avanzamento`)).body,
    ).toContain(
      'La verifica si è interrotta: il processo del portale che la eseguiva si è fermato.',
    );
    // Its slot is free again.
    const again = await people.auditor.post('/revisione/verifica/archivio', {});
    expect(again.headers.location).not.toBe(`/revisione/verifica/${killed.id}`);
    await pollUntilDone(people.auditor, again.headers.location!);
  });

  it('goes on with the archive’s verification a stopped process left, under its id', async () => {
    const left = {
      id: randomUUID(),
      subject: 'log',
      startedBy: 'Renato Revisore (revisore)',
      startedAt: now(),
    };
    const asker = {
      correlationId: randomUUID(),
      actor: { id: 'auditor-7', role: 'auditor' },
      clientIp: '198.51.100.7',
    };
    const ledger = new JobLedger(ctx.test.database.db, 'verifica', 'Interrotta.');
    expect(await ledger.claim(left, 'a-killed-process', { context: asker })).toBe(true);
    await heartbeatStopped(ctx.test.database.db, left.id);
    const jobUrl = `/revisione/verifica/${left.id}`;
    // For the page it runs still, waiting for a process: not interrupted.
    const waiting = (await people.auditor.get(`${jobUrl}/avanzamento`)).body;
    expect(waiting).toContain('hx-trigger="every 1s"');
    expect(waiting).not.toContain('interrotta');

    // Within a round of its watch (10 s) this process takes it over and runs it to its end,
    // recorded for who asked, from where, as if it had never stopped.
    const recorded = async () =>
      (await verifications(ctx.store)).find((event) => dataOf(event)?.verificationId === left.id);
    await expect.poll(recorded, { timeout: 25_000, interval: 250 }).toBeDefined();
    expect((await recorded())!.metadata).toMatchObject(asker);
    // Intact or not (other tests here alter streams), its outcome, not an interruption.
    expect(await pollUntilDone(people.auditor, jobUrl)).toMatch(/Catena (integra|spezzata)\./);
    const row = await jobRow(ctx.test.database.db, left.id);
    expect(row.state).toBe('done');
    expect(row.owner).not.toBe('a-killed-process');
  });

  it('takes over a verification whose outcome was recorded: that one, not a second', async () => {
    const id = randomUUID();
    const asker = systemRun();
    // The process recorded its outcome (stopped by the service going down), and was killed
    // before its job row said so. Checked again, the log would be found whole: «done».
    const stopping = new AbortController();
    stopping.abort();
    await expect(
      runVerification(
        { store: ctx.store, clock: () => new Date(), transparency: transparency() },
        { verificationId: id, scope: 'log', context: asker, signal: stopping.signal },
      ),
    ).rejects.toThrow();
    const ledger = new JobLedger(ctx.test.database.db, 'verifica', 'Interrotta.');
    const left = { id, subject: 'log', startedBy: 'sistema', startedAt: now() };
    expect(await ledger.claim(left, 'a-killed-process', { context: asker })).toBe(true);
    await heartbeatStopped(ctx.test.database.db, id);
    // Taken over, it ends as recorded: stopped, not checked again.
    await expect
      .poll(async () => (await ledger.find(id))?.state, { timeout: 25_000, interval: 250 })
      .toBe('failed');
    const outcomes = (await ctx.store.readStream(verificationsStream.id())).events.filter(
      (event) => (event.data as { verificationId?: string }).verificationId === id,
    );
    expect(outcomes.map((event) => event.type)).toEqual(['IntegrityVerificationFailed']);
    const page = await people.auditor.get(`/revisione/verifica/${id}`);
    expect(mainOf(page.body)).toContain('Il servizio si stava arrestando: verifica interrotta.');
  });

  it('answers the polling with the partial only', async () => {
    const response = await people.auditor.post('/revisione/verifica/flusso', {
      flusso: 'sample-clean',
    });
    const partial = await people.auditor.get(`${response.headers.location!}/avanzamento`, {
      'hx-request': 'true',
    });
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain('<html');
    expect(partial.headers.vary).toContain('HX-Request');
    expect(partial.body).not.toContain('hx-trigger');
  });

  it('asks for the stream id, and says when no stream has it', async () => {
    const empty = await people.auditor.post('/revisione/verifica/flusso', { flusso: '  ' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Indicare l&#39;identificativo del flusso.');
    const unknown = await people.auditor.post('/revisione/verifica/flusso', {
      flusso: 'sample-nobody',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('Nessun flusso con questo identificativo.');
    const missing = await people.auditor.get(
      '/revisione/verifica/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.statusCode).toBe(404);
  });

  it('is open to operators and admins, closed to declarants and visitors', async () => {
    expect((await people.operator.get('/revisione/verifica')).statusCode).toBe(200);
    expect((await people.admin.get('/revisione/verifica')).statusCode).toBe(200);
    expect((await people.declarant.get('/revisione/verifica')).statusCode).toBe(403);
    const before = (await verifications(ctx.store)).length;
    const post = await people.declarant.post('/revisione/verifica/flusso', {
      flusso: 'sample-clean',
    });
    expect(post.statusCode).toBe(403);
    expect((await people.declarant.post('/revisione/verifica/archivio', {})).statusCode).toBe(403);
    expect(await verifications(ctx.store)).toHaveLength(before);
    const visitor = await new TestClient(ctx.app).get('/revisione/verifica');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toMatch(/^\/accesso/);
  });
});

// Each CLI run starts a process and opens the database: slow on a busy machine.
describe('events:verify records the check (actor: system)', { timeout: 240_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** One altered event, one deleted row, and 25 more altered: more than a screenful of breaks. */
  async function seed(database: Database): Promise<void> {
    const store = createPostgresEventStore(database, { tagKey: testTagKey });
    await store.appendToStream('sample-cli', [
      newEvent('SampleRecorded', { by: 'operator-1' }),
      newEvent('SampleChecked', { by: 'operator-1' }),
    ]);
    await store.appendToStream('sample-cli-gap', [
      newEvent('SampleRecorded', { n: 1 }),
      newEvent('SampleRecorded', { n: 2 }),
      newEvent('SampleRecorded', { n: 3 }),
    ]);
    await store.appendToStream(
      'sample-cli-many',
      Array.from({ length: 25 }, (_, i) => newEvent('SampleRecorded', { n: i + 1 })),
    );
    await tamper(
      database,
      sql`update events set data = jsonb_set(data::jsonb, '{by}', '"operator-2"')::json
          where stream_id = 'sample-cli' and version = 2`,
    );
    await tamper(
      database,
      sql`delete from events where stream_id = 'sample-cli-gap' and version = 2`,
    );
    await tamper(
      database,
      sql`update events set data = jsonb_set(data::jsonb, '{n}', '0')::json
          where stream_id = 'sample-cli-many'`,
    );
  }

  /** Every break listed, not the first twenty, then the summary. */
  function expectAllListed(stdout: string): void {
    const lines = stdout.split('\n').filter((line) => line.startsWith('BROKEN: '));
    expect(lines).toHaveLength(27);
    expect(lines).toContain('BROKEN: stream sample-cli version 2 is altered');
    expect(lines).toContain('BROKEN: stream sample-cli-gap version 2 is missing');
    expect(lines).toContain('BROKEN: stream sample-cli-many version 25 is altered');
    expect(stdout).toContain(
      '27 broken link(s) (26 altered, 1 missing, 0 added) in 29 events, 3 streams',
    );
  }

  async function expectRecorded(database: Database): Promise<void> {
    const recorded = (await verifications(createPostgresEventStore(database))).at(-1);
    expect(recorded?.metadata.actor).toEqual({ id: 'system', role: 'system' });
    expect(dataOf(recorded)).toMatchObject({
      scope: 'log',
      events: 29,
      streams: 3,
      breakCount: 27,
    });
    expect(dataOf(recorded)?.breaks).toContainEqual({
      streamId: 'sample-cli-gap',
      version: 2,
      problem: 'missing',
    });
  }

  it('on embedded PGlite', async () => {
    const dataDir = await migratedDataDir('verify');
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const database = await openPglite(join(dataDir, 'pglite'));
    await seed(database);
    await database.close();

    const result = await runCli(['events:verify'], { DATA_DIR: dataDir, ...testSealEnv });
    expectAllListed(result.stdout);
    expect(result.code).toBe(1);

    const reopened = await openPglite(join(dataDir, 'pglite'));
    cleanups.unshift(() => reopened.close());
    await expectRecorded(reopened);
  });

  it.skipIf(!postgresUrl())(
    postgresUrl() ? 'on PostgreSQL' : 'on PostgreSQL (skipped: no PostgreSQL server)',
    async () => {
      const { database, url, drop } = await openTestDatabase('postgres');
      cleanups.push(drop);
      await seed(database);
      const result = await runCli(['events:verify'], { DATABASE_URL: url!, ...testSealEnv });
      expectAllListed(result.stdout);
      expect(result.code).toBe(1);
      await expectRecorded(database);
    },
  );
});
