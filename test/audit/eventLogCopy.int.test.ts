import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { buildApp } from '../../src/app.js';
import {
  auditLogOf,
  chainHeads,
  copiedLog,
  eventPlace,
  storeLog,
  type AuditLog,
} from '../../src/audit/auditLog.js';
import { eventLogCopyProjection } from '../../src/audit/eventLogCopy.js';
import { exportArchive } from '../../src/audit/exportArchive.js';
import {
  eventTypes,
  searchHistory,
  type HistoryFilter,
  type HistoryQuery,
} from '../../src/audit/historySearch.js';
import { loadConfig } from '../../src/config.js';
import type {
  EventStore,
  GlobalPosition,
  NewEvent,
} from '../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import type { TestClient } from '../support/client.js';
import {
  type TestApp,
  cookieSecret,
  settle,
  signedIn,
  testProjections,
  testSeal,
  testTagKey,
  testWitness,
} from '../support/testApp.js';
import { backends, openTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { auditorLogin } from './verifySupport.js';

function event(type: string, data: Record<string, string | number>, actor = 'actor-a'): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      actor: { id: actor, role: 'operator' },
      clientIp: '198.51.100.4',
      occurredAt: `2026-0${1 + (Number(data.n ?? 0) % 9)}-01T10:00:00.000Z`,
    },
  };
}

async function lastPosition(db: TestDatabase['database']['db']): Promise<GlobalPosition> {
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text as tx_id, position::text as position from events
    order by events.tx_id desc, events.position desc limit 1`.execute(db);
  return { commit: BigInt(rows[0]!.tx_id), prepare: BigInt(rows[0]!.position) };
}

/** Every page of a search, in order, as "stream/version". */
async function everyPage(db: TestDatabase['database']['db'], log: AuditLog, query: HistoryQuery) {
  const seen: string[] = [];
  let after = null;
  for (;;) {
    const page = await searchHistory(db, log, { ...query, after, limit: 7 });
    seen.push(...page.rows.map((row) => `${row.streamId}/${row.version}`));
    if (!page.next) return seen;
    after = page.next;
  }
}

async function exportText(
  deps: { db: TestDatabase['database']['db']; store: EventStore; log: AuditLog },
  filter: HistoryFilter,
): Promise<{ jsonl: string; manifest: Record<string, unknown> }> {
  const stream = exportArchive(
    { ...deps, sealPublicKey: testSeal.publicKey },
    {
      exportId: '00000000-0000-4000-8000-0000000c0b1e',
      filter,
      form: {},
      generatedBy: { accountId: 'system', name: 'sistema', role: 'system' },
      generatedAt: new Date('2026-11-23T10:00:00Z'),
    },
    { exported: async () => {}, failed: async () => {} },
  );
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(stream, 'end');
  const files = unzipSync(new Uint8Array(Buffer.concat(chunks)));
  return {
    jsonl: Buffer.from(files['events.jsonl']!).toString('utf8'),
    manifest: JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Record<
      string,
      unknown
    >,
  };
}

describe.each(backends())('%s: the copy of the log for a store elsewhere', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  let copy: ProjectionRunner;

  beforeAll(async () => {
    test = await openTestDatabase(backend);
    store = createPostgresEventStore(test.database);
    for (let n = 0; n < 12; n++) {
      await store.appendToStream(`contract-300000000${n % 4}`, [
        event('ContractDeclared', { n }),
        event('ContractValidated', { n }, n % 2 ? 'actor-b' : 'actor-a'),
      ]);
    }
    await store.appendToStream('account-copy', [
      event('StaffAccountCreated', { n: 3, passwordHash: '$argon2id$v=19$nascosto' }),
    ]);
    copy = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [eventLogCopyProjection],
        logger: pino({ level: 'silent' }),
      },
      { pollIntervalMs: 50 },
    );
    await copy.start();
    expect(await copy.waitFor(await lastPosition(test.database.db), 20_000)).toBe(true);
  });
  afterAll(async () => {
    await copy.stop();
    await test.drop();
  });

  it('holds every event as the store has it: position, stream, version, data, metadata, hash', async () => {
    const { db } = test.database;
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from events e
      full join event_log_copy c on c.tx_id = e.tx_id and c.position = e.position
      where c.tx_id is null or e.tx_id is null or c.stream_id <> e.stream_id
        or c.version <> e.version or c.event_id <> e.event_id or c.type <> e.type
        or c.data::text <> e.data::text or c.metadata::text <> e.metadata::text
        or c.hash <> e.hash`.execute(db);
    expect(Number(rows[0]!.n)).toBe(0);
    const counted = await sql<{ n: string }>`select count(*) as n from event_log_copy`.execute(db);
    expect(Number(counted.rows[0]!.n)).toBe(25);
  });

  it('answers every search, page by page, as the events table does', async () => {
    const { db } = test.database;
    const queries: HistoryQuery[] = [
      { filter: {}, order: 'newest' },
      { filter: { streamId: 'contract-', streamPrefix: true }, order: 'oldest' },
      { filter: { streamId: 'contract-3000000002' }, order: 'newest' },
      { filter: { type: 'ContractValidated', actorIds: ['actor-b'] }, order: 'oldest' },
      {
        filter: { timeField: 'occurredAt', timeFrom: '2026-03-01T00:00:00.000Z' },
        order: 'newest',
      },
    ];
    for (const query of queries) {
      const fromEvents = await everyPage(db, storeLog, query);
      expect(fromEvents.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(await everyPage(db, copiedLog, query), JSON.stringify(query)).toEqual(fromEvents);
    }
    expect(await eventTypes(db, copiedLog)).toEqual(await eventTypes(db, storeLog));
  });

  it('finds an event by id, and each stream head, in the copy', async () => {
    const { db } = test.database;
    const { events } = await store.readStream('contract-3000000001');
    const last = events.at(-1)!;
    expect(await eventPlace(db, copiedLog, last.metadata.eventId)).toEqual({
      streamId: 'contract-3000000001',
      version: last.version,
    });
    expect(await eventPlace(db, copiedLog, randomUUID())).toBeNull();
    const ids = ['contract-3000000001', 'account-copy'];
    expect(await chainHeads(db, copiedLog, ids)).toEqual(await chainHeads(db, storeLog, ids));
  });

  it('exports the same events from the copy, redacted the same way', async () => {
    const deps = { db: test.database.db, store };
    const filter = { streamId: '', streamPrefix: false };
    const fromEvents = await exportText({ ...deps, log: storeLog }, filter);
    const fromCopy = await exportText({ ...deps, log: copiedLog }, filter);
    expect(fromCopy.jsonl.split('\n')).toHaveLength(26);
    expect(fromCopy.jsonl).toEqual(fromEvents.jsonl);
    expect(fromCopy.jsonl).not.toContain('nascosto');
    expect(fromCopy.manifest.chainHeads).toEqual(fromEvents.manifest.chainHeads);
  });

  it('is idempotent: a rebuild copies the log again, once', async () => {
    expect(await copy.rebuild('event_log_copy')).toBe(25);
    // Read first: PGlite has one connection, and the transaction holds it.
    const again = await store.readAll({ after: null, limit: 100 });
    await test.database.db.transaction().execute(async (trx) => {
      await eventLogCopyProjection.apply(trx, again);
    });
    const { rows } = await sql<{ n: string }>`select count(*) as n from event_log_copy`.execute(
      test.database.db,
    );
    expect(Number(rows[0]!.n)).toBe(25);
  });
});

describe('the auditor pages on a store whose events are not in PostgreSQL', () => {
  let ctx: TestApp;
  let auditor: TestClient;

  beforeAll(async () => {
    const test = await openTestDatabase('pglite');
    const postgres = createPostgresEventStore(test.database);
    // What the pages see of KurrentDB: the port without the PostgreSQL chain reader. The events
    // are in `events` only because this stand-in writes them there; the pages must not read it.
    const elsewhere: EventStore = { ...postgres, chain: undefined };
    expect(auditLogOf(elsewhere)).toBe(copiedLog);
    const logger = pino({ level: 'silent' });
    const headWitness = testWitness();
    const projections = new ProjectionRunner(
      {
        db: test.database.db,
        store: elsewhere,
        projections: testProjections({
          db: test.database.db,
          store: elsewhere,
          logger,
          headWitness,
        }),
        logger,
      },
      { pollIntervalMs: 50 },
    );
    await projections.start();
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test' }),
      logger,
      clock: () => new Date(),
      database: test.database,
      eventStore: elsewhere,
      projections,
      cookieSecret,
      sealPublicKey: testSeal.publicKey,
      eventTagKey: testTagKey,
      headWitness,
    });
    ctx = {
      app,
      headWitness,
      store: elsewhere,
      projections,
      test,
      async close() {
        await app.close();
        await projections.stop();
        await test.drop();
      },
    };
    await createStaffAccount(
      elsewhere,
      { role: 'auditor', ...auditorLogin, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    await elsewhere.appendToStream('contract-3001234567', [event('ContractDeclared', { n: 1 })]);
    await settle(ctx);
    auditor = await signedIn(ctx, auditorLogin);
    await settle(ctx);
  });
  afterAll(() => ctx.close());

  it('registers the copy among the projections, and the pages read it', async () => {
    expect(ctx.projections.status().map((status) => status.name)).toContain('event_log_copy');
    // Only the copy will know this event: the pages find it, so they read the copy.
    await ctx.test.database.db.transaction().execute(async (trx) => {
      await sql`
        insert into event_log_copy (tx_id, position, stream_id, version, event_id, type, data,
          metadata, hash)
        select tx_id, position + 1000000, 'copy-only', 1, gen_random_uuid(), 'OnlyInTheCopy',
          data, metadata, hash
        from event_log_copy where stream_id = 'contract-3001234567'`.execute(trx);
    });
    const search = await auditor.get('/revisione?flusso=copy-only');
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain('OnlyInTheCopy');
    const page = await auditor.get('/revisione?flusso=contract-3001234567');
    expect(page.body).toContain('ContractDeclared');
    const { rows } = await sql<{ event_id: string }>`
      select event_id::text as event_id from event_log_copy where stream_id = 'copy-only'`.execute(
      ctx.test.database.db,
    );
    const link = await auditor.get(`/revisione/evento/${rows[0]!.event_id}`);
    expect(link.statusCode).toBe(303);
    expect(link.headers.location).toBe('/revisione/stream/copy-only#v1');
    const zip = await auditor.get('/revisione/esporta/eventi.zip?flusso=copy-only');
    expect(zip.statusCode).toBe(200);
    const files = unzipSync(new Uint8Array(zip.rawPayload));
    expect(Buffer.from(files['events.jsonl']!).toString('utf8')).toContain('OnlyInTheCopy');
  });

  it('links a timeline to the events it caused, as the copy knows them', async () => {
    // A consequence only the copy holds: the timeline finds it, so its links read the copy.
    await sql`
      insert into event_log_copy (tx_id, position, stream_id, version, event_id, type, data,
        metadata, hash)
      select tx_id, position + 2000000, 'copy-consequence', 1, gen_random_uuid(), 'CausedInCopy',
        data, json_build_object('causationId', event_id::text, 'correlationId', 'x'), hash
      from event_log_copy where stream_id = 'contract-3001234567'`.execute(ctx.test.database.db);
    const timeline = await auditor.get('/revisione/stream/contract-3001234567');
    expect(timeline.statusCode).toBe(200);
    expect(timeline.body).toContain('Eventi causati da questo');
    expect(timeline.body).toContain('/revisione/stream/copy-consequence#v1');
  });
});
