import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsProjection } from '../../projections/accounts/accounts.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import {
  operationsStream,
  type ProjectionRebuildRequested,
} from '../../src/audit/projectionStatus.js';
import { rebuildLedger } from '../../src/audit/jobLedger.js';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import type { TestClient } from '../support/client.js';
import { newEvent } from '../support/events.js';
import {
  type TestApp,
  cookieSecret,
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  testSeal,
  testTagKey,
  testWitness,
} from '../support/testApp.js';
import { backends, openTestDatabase } from '../support/testDatabase.js';
import {
  auditorLogin,
  auditPeople,
  heartbeatStopped,
  jobRow,
  mainOf,
  type AuditPeople,
} from './verifySupport.js';

/** The table row of one projection, as text. */
function projectionRow(body: string, name: string): string {
  const start = body.indexOf(`id="proiezione-${name}"`);
  if (start < 0) throw new Error(`No row for ${name}`);
  return body.slice(start, body.indexOf('</tr>', start));
}

async function rebuildRequests(ctx: TestApp) {
  const { events } = await ctx.store.readStream(operationsStream.id());
  return events.filter((event) => event.type === 'ProjectionRebuildRequested');
}

/** Follows the rebuild's progress partial as htmx does, until it stops asking to be polled. */
async function pollUntilDone(
  client: TestClient,
  pollUrl: string,
  timeoutMs = 20_000,
): Promise<string> {
  for (let attempt = 0; attempt < timeoutMs / 50; attempt++) {
    const partial = await client.get(pollUrl, { 'hx-request': 'true' });
    expect(partial.statusCode).toBe(200);
    if (!partial.body.includes('hx-trigger="every 1s"')) return partial.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The rebuild did not finish');
}

describe.each(backends())('%s: projection status (/revisione/proiezioni)', (backend) => {
  let ctx: TestApp;
  let people: AuditPeople;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    people = await auditPeople(ctx);
    await settle(ctx);
  });
  afterAll(() => ctx.close());

  it('shows auditors every projection with its checkpoint, lag and state, and no rebuild', async () => {
    const page = await people.auditor.get('/revisione/proiezioni');
    expect(page.statusCode).toBe(200);
    const body = mainOf(page.body);
    for (const status of ctx.projections.status()) {
      const row = projectionRow(body, status.name);
      expect(row).toContain('In esecuzione');
      expect(row).toMatch(/<code>\d+\/\d+<\/code>/);
      expect(row).toMatch(/<td>\d+<\/td>/);
    }
    expect(projectionRow(body, 'accounts')).toContain('<td>0</td>');
    expect(body).not.toContain('Ricostruisci');
    expect(body).not.toContain('/ricostruisci');
  });

  it('refuses a rebuild to an auditor (403), recording nothing', async () => {
    const response = await people.auditor.post('/revisione/proiezioni/accounts/ricostruisci', {
      motivo: 'Per prova',
    });
    expect(response.statusCode).toBe(403);
    expect(await rebuildRequests(ctx)).toHaveLength(0);
  });

  it('asks an operator why, beside that projection', async () => {
    const response = await people.operator.post('/revisione/proiezioni/accounts/ricostruisci', {
      motivo: ' ',
    });
    expect(response.statusCode).toBe(422);
    expect(projectionRow(response.body, 'accounts')).toContain(
      'Indicare il motivo della ricostruzione.',
    );
    expect(projectionRow(response.body, 'contracts')).not.toContain('Indicare il motivo');
    expect(await rebuildRequests(ctx)).toHaveLength(0);
  });

  it('never replays a process manager: no button, and a refusal that records nothing', async () => {
    const page = await people.operator.get('/revisione/proiezioni');
    expect(projectionRow(page.body, 'declaration_protocols')).toContain(
      'Processo: non si ricostruisce',
    );
    expect(projectionRow(page.body, 'declaration_protocols')).not.toContain('Ricostruisci');
    const response = await people.operator.post(
      '/revisione/proiezioni/declaration_protocols/ricostruisci',
      { motivo: 'Provo a rifare i protocolli' },
    );
    expect(response.statusCode).toBe(409);
    expect(await rebuildRequests(ctx)).toHaveLength(0);
  });

  it('rebuilds for an operator in the background, recording who asked and why', async () => {
    const page = await people.operator.get('/revisione/proiezioni');
    expect(projectionRow(page.body, 'stream_index')).toContain('Ricostruisci');

    const response = await people.operator.post('/revisione/proiezioni/stream_index/ricostruisci', {
      motivo: 'Correzione dopo il ripristino del database',
    });
    expect(response.statusCode).toBe(303);
    const location = response.headers.location!;
    const id = /ricostruzione=([0-9a-f-]{36})$/.exec(location)?.[1];
    expect(id).toBeDefined();

    const [requested] = await rebuildRequests(ctx);
    expect(requested?.data as ProjectionRebuildRequested['data']).toEqual({
      rebuildId: id,
      projection: 'stream_index',
      reason: 'Correzione dopo il ripristino del database',
    });
    expect(requested?.metadata.actor.role).toBe('operator');
    expect(requested?.metadata.clientIp).toBe('127.0.0.1');

    const partial = await pollUntilDone(
      people.operator,
      `/revisione/proiezioni/ricostruzioni/${id}/avanzamento`,
    );
    expect(partial).toMatch(/Completata: [\d.]+ eventi rielaborati\./);
    // The read model is whole again: a row for every stream of the log.
    await settle(ctx);
    const { db } = ctx.test.database;
    const streams = await db
      .selectFrom('streams')
      .select(db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const indexed = await db
      .selectFrom('stream_index')
      .select(db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(indexed.n)).toBe(Number(streams.n));
    const after = await people.admin.get(location);
    expect(mainOf(after.body)).toContain('Ricostruzione di stream_index');
  });

  it('takes over a rebuild whose process was killed, the command line’s included', async () => {
    const { db } = ctx.test.database;
    const left = {
      id: randomUUID(),
      subject: 'tutte le viste (2)',
      startedBy: 'riga di comando',
      startedAt: new Date(),
    };
    const requested = (await rebuildRequests(ctx)).length;
    const ledger = rebuildLedger(db);
    expect(
      await ledger.claim(left, 'a-killed-cli', { projections: ['stream_index', 'accounts'] }),
    ).toBe(true);
    await heartbeatStopped(db, left.id);
    // Within a round of the portal's watch (10 s): run again here, to its end.
    const partial = await pollUntilDone(
      people.operator,
      `/revisione/proiezioni/ricostruzioni/${left.id}/avanzamento`,
      25_000,
    );
    expect(partial).toMatch(/Completata: [\d.]+ eventi rielaborati\./);
    const ran = await jobRow(db, left.id);
    expect(ran.state).toBe('done');
    expect(ran.owner).not.toBe('a-killed-cli');
    // Nothing recorded for it: the one that asked for it recorded its request.
    expect(await rebuildRequests(ctx)).toHaveLength(requested);
  });

  it('is closed to declarants', async () => {
    expect((await people.declarant.get('/revisione/proiezioni')).statusCode).toBe(403);
    const post = await people.declarant.post('/revisione/proiezioni/accounts/ricostruisci', {
      motivo: 'Voglio',
    });
    expect(post.statusCode).toBe(403);
  });
});

describe('a failed projection shows its last error', () => {
  let ctx: TestApp;
  const fragile: Projection = {
    name: 'fragile',
    async apply(_trx, events) {
      const poison = events.find((event) => event.type === 'Poison');
      if (poison) throw new Error('Formato inatteso');
    },
    tables: [],
  };

  beforeAll(async () => {
    ctx = await startTestApp({ projections: [accountsProjection, fragile] });
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditorLogin, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    await settle(ctx);
  });
  afterAll(() => ctx.close());

  it('names the event it stopped on, and counts what it has not read', async () => {
    await ctx.store.appendToStream('sample-poisoned', [
      newEvent('Fine'),
      newEvent('Poison'),
      newEvent('After'),
    ]);
    await expect
      .poll(() => ctx.projections.status().find((s) => s.name === 'fragile')?.state, {
        timeout: 20_000,
      })
      .toBe('failed');
    const auditor = await signedIn(ctx, auditorLogin);
    const row = projectionRow((await auditor.get('/revisione/proiezioni')).body, 'fragile');
    expect(row).toContain('In errore');
    expect(row).toContain('Formato inatteso');
    expect(row).toContain('su Poison del flusso sample-poisoned, versione 2');
    expect(row).toMatch(/<td>[1-9]\d*<\/td>/);
  });
});

describe.each(backends())('%s: two rebuilds asked at the same moment', (backend) => {
  let ctx: TestApp;
  let operator: TestClient;
  const idle: Projection = { name: 'idle', apply: async () => {}, tables: [] };
  // The first request's record of its reason waits for the test: the second request arrives
  // while the first is between its check and its start, whatever the machine's speed.
  let holdNext = false;
  let held: { reached: Promise<void>; release: () => void } | null = null;

  beforeAll(async () => {
    const test = await openTestDatabase(backend);
    const store = createPostgresEventStore(test.database);
    const gatedStore: EventStore = {
      ...store,
      async appendToStream(streamId, events, options) {
        if (holdNext && streamId === operationsStream.id()) {
          holdNext = false;
          let reached = () => {};
          let release = () => {};
          const gate = new Promise<void>((resolve) => (release = resolve));
          held = { reached: new Promise<void>((resolve) => (reached = resolve)), release };
          reached();
          await gate;
        }
        return store.appendToStream(streamId, events, options);
      },
    };
    const logger = pino({ level: 'silent' });
    const projections = new ProjectionRunner(
      { db: test.database.db, store, projections: [accountsProjection, idle], logger },
      { pollIntervalMs: 50 },
    );
    await projections.start();
    const headWitness = testWitness();
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test' }),
      logger,
      clock: () => new Date(),
      database: test.database,
      eventStore: gatedStore,
      projections,
      cookieSecret,
      sealPublicKey: testSeal.publicKey,
      eventTagKey: testTagKey,
      headWitness,
    });
    ctx = {
      app,
      headWitness,
      store,
      projections,
      test,
      async close() {
        await app.close();
        await projections.stop();
        await test.drop();
      },
    };
    await createOperator(ctx);
    operator = await signedIn(ctx, operatorLogin);
  });
  afterAll(() => ctx.close());

  it('refuses the second with a clear message, recording only the one that runs', async () => {
    const ask = (motivo: string) =>
      operator.post('/revisione/proiezioni/idle/ricostruisci', { motivo });
    holdNext = true;
    const first = ask('Prima richiesta');
    await expect.poll(() => held !== null).toBe(true);
    await held!.reached;
    const second = await ask('Seconda richiesta');
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('È in corso la ricostruzione di idle: attendi che finisca.');
    expect(await rebuildRequests(ctx)).toHaveLength(0);

    held!.release();
    const started = await first;
    expect(started.statusCode).toBe(303);
    const recorded = await rebuildRequests(ctx);
    expect(recorded).toHaveLength(1);
    const id = /ricostruzione=([0-9a-f-]{36})$/.exec(started.headers.location!)?.[1];
    expect(recorded[0]!.data as ProjectionRebuildRequested['data']).toMatchObject({
      rebuildId: id,
      reason: 'Prima richiesta',
    });
    const partial = await pollUntilDone(
      operator,
      `/revisione/proiezioni/ricostruzioni/${id}/avanzamento`,
    );
    expect(partial).toMatch(/Completata: [\d.]+ eventi rielaborati\./);
    // Once it is over, the next request is welcome.
    expect((await ask('Dopo la fine')).statusCode).toBe(303);
    expect(await rebuildRequests(ctx)).toHaveLength(2);
  });
});
