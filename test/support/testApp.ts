import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileWitness, type HeadWitness } from '../../src/audit/headWitness.js';
import { createPrivateKey, hash, randomBytes, type KeyObject } from 'node:crypto';
import { tagKeyFrom } from '../../src/platform/eventStore/eventTags.js';
import { KeyVault } from '../../src/platform/personalData/keyVault.js';
import { sealKeyFrom, type SealKey } from '../../src/platform/transparency/treeHead.js';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createProjections, type ProjectionDeps } from '../../src/subscribers.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { portalEventStore } from '../../src/runtime.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import type { Subscriber } from '../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import { TestClient } from './client.js';
import { openTestDatabase, type Backend, type TestDatabase } from './testDatabase.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: EventStore;
  readonly projections: ProjectionRunner;
  readonly test: TestDatabase;
  /** The largest head the portal signed, kept outside its database. */
  readonly headWitness: HeadWitness;
  close(): Promise<void>;
}

export const cookieSecret = 'test-cookie-secret-that-is-long-enough-000';

/**
 * The key that signs tree heads (and, derived from it, tags events) in tests and benchmarks: the
 * same in every process, so a bench's log generated once is checked by later runs. An Ed25519
 * PKCS#8 key is a fixed prefix and a 32-byte seed; the seed is a hash of a fixed text.
 */
export const testSeal: SealKey = sealKeyFrom(
  createPrivateKey({
    key: Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      hash('sha256', 'dichiara: chiave di prova', 'buffer'),
    ]),
    format: 'der',
    type: 'pkcs8',
  })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString(),
);

/** testSeal as the configuration gives it to a CLI run (SEAL_PRIVATE_KEY). */
export const testSealEnv = {
  SEAL_PRIVATE_KEY: testSeal.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

/** The secret of the events' tags that goes with testSeal, as the runtime derives it. */
export const testTagKey: KeyObject = tagKeyFrom(testSeal);

/** Where a test's portal keeps the largest head it signed: a file of its own. */
export const testWitness = (): HeadWitness =>
  fileWitness(join(mkdtempSync(join(tmpdir(), 'dichiara-testimone-')), 'testa-firmata.json'));

/**
 * The portal's subscribers as a test or a bench runs them: this file's cookie secret and seal, a
 * witness of their own unless given, the real clock unless given.
 */
export const testProjections = (
  deps: Pick<ProjectionDeps, 'db' | 'store' | 'logger'> &
    Partial<Pick<ProjectionDeps, 'now' | 'headWitness'>>,
): Subscriber[] =>
  createProjections({
    cookieSecret,
    publicUrl: () => 'http://portale.test',
    now: () => new Date(),
    utilityName: 'Servizio Idrico Integrato',
    seal: testSeal,
    ...deps,
    headWitness: deps.headWitness ?? testWitness(),
  });

/** The whole app on a fresh database, projections running, driven by inject(). */
export async function startTestApp(
  options: {
    backend?: Backend;
    projections?: readonly Subscriber[];
    now?: () => Date;
    /** Environment variables over NODE_ENV=test, read by loadConfig as at start-up. */
    env?: Record<string, string>;
    /** Where the app logs; silent unless told. */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const test = await openTestDatabase(options.backend ?? 'pglite');
  const logger = options.logger ?? pino({ level: 'silent' });
  // Streams and states remembered and personal fields sealed as in the portal, under a master
  // key of this test's own.
  const store = await portalEventStore(
    createPostgresEventStore(test.database, { tagKey: testTagKey }),
    test.database,
    new KeyVault(test.database.db, randomBytes(32)),
  );
  const clock = options.now ?? (() => new Date());
  const headWitness = testWitness();
  const projections = new ProjectionRunner(
    {
      db: test.database.db,
      store,
      projections:
        options.projections ??
        testProjections({ db: test.database.db, store, logger, now: clock, headWitness }),
      logger,
    },
    { pollIntervalMs: 50 },
  );
  await projections.start();
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test', ...options.env }),
    logger,
    clock,
    database: test.database,
    eventStore: store,
    projections,
    cookieSecret,
    sealPublicKey: testSeal.publicKey,
    eventTagKey: testTagKey,
    headWitness,
  });
  return {
    app,
    headWitness,
    store,
    projections,
    test,
    async close() {
      await app.close();
      await projections.stop();
      await store.close();
      await test.drop();
    },
  };
}

/**
 * Waits until every projection has seen the last event written, and again while process managers
 * add events of their own (a submission's copy of record). Not `headPosition()`: that stops
 * before any transaction still open anywhere on the server (the snapshot's xmin is cluster-wide),
 * so with other test databases busy it could return before this test's own last event.
 */
export async function settle(ctx: TestApp): Promise<void> {
  for (let seen = ''; ;) {
    // ORDER BY names the table's columns: the output columns are text ('10' < '9').
    const { rows } = await sql<{ tx_id: string; position: string }>`
      select tx_id::text as tx_id, position::text as position from events
      order by events.tx_id desc, events.position desc limit 1`.execute(ctx.test.database.db);
    const last = rows[0];
    const key = last ? `${last.tx_id}:${last.position}` : '';
    if (key === seen) return;
    seen = key;
    await ctx.projections.waitFor(
      last ? { commit: BigInt(last.tx_id), prepare: BigInt(last.position) } : null,
      5_000,
      { background: true },
    );
  }
}

export const operatorLogin = { username: 'olga', password: 'Operatore-2026' } as const;

/** An operator account, "olga", ready to log in. */
export async function createOperator(ctx: TestApp): Promise<void> {
  await createStaffAccount(
    ctx.store,
    {
      role: 'operator',
      ...operatorLogin,
      fullName: 'Olga Operatrice',
      email: 'olga@gestore.example',
    },
    systemContext(new Date()),
  );
  await settle(ctx);
}

/** A client logged in with these credentials (the login must succeed). */
export const signedIn = (
  ctx: TestApp,
  credentials: { username: string; password: string },
): Promise<TestClient> => logIn(new TestClient(ctx.app), credentials);

/** Logs `client` in with these credentials (the login must succeed). */
export async function logIn(
  client: TestClient,
  credentials: { username: string; password: string },
): Promise<TestClient> {
  const response = await client.post('/accesso', credentials);
  if (response.statusCode !== 303)
    throw new Error(`Login of ${credentials.username} failed: ${response.statusCode}`);
  return client;
}
