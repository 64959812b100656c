import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openPglite, openPostgres, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import {
  type TestApp,
  cookieSecret,
  testProjections,
  testSeal,
  testTagKey,
  testWitness,
} from '../../test/support/testApp.js';
import { adminQuery, type Backend } from './benchDatabase.js';

/** Its own name, so it never meets the store bench's `dichiara_bench`. */
export const portalDatabaseName = 'dichiara_bench_declarations';

export interface BenchPortal extends TestApp {
  readonly backend: Backend;
}

/**
 * The whole app as test/support/testApp.ts builds it (NODE_ENV test, silent logger, projections
 * running, driven by inject), on a fresh database: `dichiara_bench_declarations` on the server
 * (dropped on close), or PGlite in memory. The projection runner keeps its production poll
 * interval: wake-ups come from the store, as in src/main.ts. The clock starts on 20 January 2026,
 * within the 2025 campaign, and runs with real time.
 */
export async function startBenchPortal(serverUrl: string | null): Promise<BenchPortal> {
  const backend: Backend = serverUrl ? 'postgres' : 'pglite';
  const { database, url, drop } = await openDatabase(serverUrl);
  const logger = pino({ level: 'silent' });
  const store = createPostgresEventStore(database, { tagKey: testTagKey });
  const offset = Date.parse('2026-01-20T09:30:00Z') - Date.now();
  const clock = () => new Date(Date.now() + offset);
  const headWitness = testWitness();
  const projections = new ProjectionRunner({
    db: database.db,
    store,
    projections: testProjections({ db: database.db, store, logger, now: clock, headWitness }),
    logger,
  });
  await projections.start();
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test' }),
    logger,
    clock,
    database,
    eventStore: store,
    projections,
    cookieSecret,
    sealPublicKey: testSeal.publicKey,
    eventTagKey: testTagKey,
    headWitness,
  });
  return {
    backend,
    app,
    headWitness,
    store,
    projections,
    test: { database, url, drop },
    async close() {
      await app.close();
      await projections.stop();
      await drop();
    },
  };
}

async function openDatabase(
  serverUrl: string | null,
): Promise<{ database: Database; url: string | null; drop: () => Promise<void> }> {
  if (!serverUrl) {
    const database = await openPglite('memory://');
    await migrateToLatest(database.db);
    return { database, url: null, drop: () => database.close() };
  }
  await dropPortalDatabase(serverUrl);
  await adminQuery(serverUrl, `create database ${portalDatabaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${portalDatabaseName}`;
  const database = await openPostgres(url.toString(), { poolSize: 24 });
  await migrateToLatest(database.db);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await dropPortalDatabase(serverUrl);
    },
  };
}

export const dropPortalDatabase = (serverUrl: string): Promise<void> =>
  adminQuery(serverUrl, `drop database if exists ${portalDatabaseName} with (force)`);
