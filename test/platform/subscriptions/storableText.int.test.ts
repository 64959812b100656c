import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompanyDeclaration } from '../../../domain/accounts/accountEvents.js';
import type { FlowRow } from '../../../domain/observatory/flowEvents.js';
import type {
  EventStore,
  GlobalPosition,
  JsonObject,
} from '../../../src/platform/eventStore/eventStore.js';
import { comparePositions } from '../../../src/platform/eventStore/globalPosition.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { verifyLog } from '../../../src/platform/eventStore/verifyLog.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { testProjections } from '../../support/testApp.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const logger = pino({ level: 'silent' });
const accountId = 'a7c0ffee-0000-4000-8000-000000000013';
const contractNumber = '3009990013';
/** What PostgreSQL text cannot hold: a NUL, and a lone surrogate (which jsonb refuses). */
const fullName = 'Mario\u0000Rossi';
const companyName = 'Idraulica \uD800 Srl';
const transporter = 'Trasporti\u0000Sud';
/** Written by a process manager (invited_company_contracts) to a text column of its own. */
const customerCode = 'C00\u000013';

const company: CompanyDeclaration = {
  name: companyName,
  taxId: '01234567890',
  phone: '0801234567',
  email: null,
  pec: 'idraulica@pec.example',
  customerCode,
  contracts: [
    {
      contractNumber,
      street: 'Via Sparano',
      civic: '1',
      cap: '70121',
      province: 'BA',
      municipality: 'Bari',
    },
  ],
};
const flowRow: FlowRow = {
  eerCode: '200301',
  tonnes: 12.5,
  collectionMethod: 'porta-a-porta',
  transporter,
  destinationPlant: 'TMB Bari',
  operation: 'D8',
};

/** Appended as older data or another writer would have: past the routes and the deciders. */
async function appendUnstorableText(store: EventStore): Promise<void> {
  const registered = {
    accountId,
    kind: 'studio',
    fullName,
    phone: '3331234567',
    email: 'mario.rossi@example.it',
    username: 'mrossi',
    passwordHash: 'scrypt$not-a-real-hash',
    companies: [company],
  } as unknown as JsonObject;
  const issued = {
    challengeId: 'c0de0000-0000-4000-8000-000000000013',
    purpose: 'registration',
    email: 'mario.rossi@example.it',
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
  };
  await store.appendToStream(`account-${accountId}`, [
    newEvent('ReferentRegistered', registered),
    newEvent('EmailOtpIssued', issued),
    newEvent('RegistrationApproved', { note: null }),
  ]);
  const submitted = {
    istatCode: '072006',
    month: '2026-09',
    version: 1,
    rows: [flowRow],
    submittedBy: 'cf:RSSMRA80A01A662A',
    submittedAt: '2026-10-10T08:00:00.000Z',
    dueDate: '2026-10-15',
    daysLate: 0,
    affectsFunding: false,
  } as unknown as JsonObject;
  await store.appendToStream('waste-flow-072006-2026-09', [
    newEvent('MonthlyFlowSubmitted', submitted),
  ]);
}

/** Until the head stays put: the process managers append events of their own. */
async function settle(
  runner: ProjectionRunner,
  store: EventStore,
  db: TestDatabase['database']['db'],
): Promise<GlobalPosition> {
  for (let seen: GlobalPosition | null = null; ;) {
    // On a shared server the process managers' last appends can be committed but not yet readable.
    await untilLogReadable(db, store);
    const head = await store.headPosition();
    if (head && seen && comparePositions(head, seen) === 0) return head;
    seen = head;
    await runner.waitFor(head, 10_000, { background: true });
  }
}

describe.each(backends())('%s: events holding text PostgreSQL cannot store', (backend) => {
  let test: TestDatabase;
  let store: EventStore;
  let runner: ProjectionRunner;

  /** Every read model, reactor and process manager the portal runs, on `over`. */
  const portalRunner = (over: EventStore) =>
    new ProjectionRunner(
      {
        db: test.database.db,
        store: over,
        projections: testProjections({ db: test.database.db, store: over, logger }),
        logger,
      },
      { pollIntervalMs: 50 },
    );

  beforeAll(async () => {
    test = await openTestDatabase(backend);
    store = createPostgresEventStore(test.database);
    await appendUnstorableText(store);
    await untilLogReadable(test.database.db, store);
    runner = portalRunner(store);
    await runner.start();
  });
  afterAll(async () => {
    await runner.stop();
    await test.drop();
  });

  it('every projection passes them and reaches the head of the log', async () => {
    const head = await settle(runner, store, test.database.db);
    for (const status of runner.status()) {
      expect(status, status.name).toMatchObject({ state: 'running', failure: null });
      expect(comparePositions(status.checkpoint, head), status.name).toBe(0);
    }
  });

  it('the read models hold the text with U+FFFD in place of what could not be stored', async () => {
    await settle(runner, store, test.database.db);
    const db = test.database.db;
    const account = await db
      .selectFrom('accounts')
      .select(['full_name', 'companies'])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account.full_name).toBe('Mario\uFFFDRossi');
    expect(account.companies[0]?.name).toBe('Idraulica \uFFFD Srl');
    const mails = await db.selectFrom('mail_outbox').select('text_body').execute();
    expect(mails.map((mail) => mail.text_body)).toContainEqual(
      expect.stringContaining('Gentile Mario\uFFFDRossi,'),
    );
    // Declared by the registration's process manager, from the stream it reads itself.
    const contract = await db
      .selectFrom('contracts')
      .select(['company_name', 'customer_code'])
      .where('contract_number', '=', contractNumber)
      .executeTakeFirstOrThrow();
    expect(contract).toEqual({
      company_name: 'Idraulica \uFFFD Srl',
      customer_code: 'C00\uFFFD13',
    });
    const invitable = await db
      .selectFrom('invitation_customer_contracts')
      .select('customer_code')
      .where('contract_number', '=', contractNumber)
      .executeTakeFirstOrThrow();
    expect(invitable.customer_code).toBe('C00\uFFFD13');
    const flow = await db.selectFrom('waste_flows').select('rows').executeTakeFirstOrThrow();
    expect(flow.rows[0]?.transporter).toBe('Trasporti\uFFFDSud');
  });

  it('a rebuild gives the same rows', async () => {
    await settle(runner, store, test.database.db);
    const rows = () => test.database.db.selectFrom('accounts').selectAll().execute();
    const before = await rows();
    await runner.rebuild('accounts');
    await settle(runner, store, test.database.db);
    expect(await rows()).toEqual(before);
  });

  it('the log keeps the events as they came, and its hash chain holds', async () => {
    await settle(runner, store, test.database.db);
    const { events } = await store.readStream(`account-${accountId}`);
    const registered = events[0]?.data as unknown as {
      fullName: string;
      companies: [CompanyDeclaration];
    };
    expect(registered.fullName).toBe(fullName);
    expect(registered.companies[0].name).toBe(companyName);
    const [flow] = (await store.readStream('waste-flow-072006-2026-09')).events;
    expect((flow?.data as unknown as { rows: FlowRow[] }).rows[0]?.transporter).toBe(transporter);
    expect((await verifyLog(store)).breaks).toEqual([]);
  });

  it("the auditors' copy of a store elsewhere holds the events as they came", async () => {
    // KurrentDB as the pages see it: no chain reader here, so the log is copied to event_log_copy.
    const elsewhere: EventStore = { ...store, chain: undefined };
    const copying = portalRunner(elsewhere);
    await copying.start();
    try {
      await settle(copying, elsewhere, test.database.db);
      const { rows } = await sql<{ data: string }>`
        select data::text as data from event_log_copy
        where stream_id = ${`account-${accountId}`} and version = 1`.execute(test.database.db);
      const copied = JSON.parse(rows[0]!.data) as {
        fullName: string;
        companies: [CompanyDeclaration];
      };
      expect(copied.fullName).toBe(fullName);
      expect(copied.companies[0].name).toBe(companyName);
    } finally {
      await copying.stop();
    }
  });
});
