import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { accountsProjection } from '../../projections/accounts/accounts.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/platform/db/database.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import { ProjectionRunner } from '../../src/platform/subscriptions/projectionRunner.js';
import { TestClient } from '../../test/support/client.js';
import { cookieSecret, testSeal, testTagKey, testWitness } from '../../test/support/testApp.js';

export interface AuditPortal {
  readonly app: FastifyInstance;
  /** An auditor's browser, signed in. */
  readonly auditor: TestClient;
  /** Rebuilding the accounts read model (login and actor names) over the whole log. */
  readonly accountsRebuildSeconds: number;
  close(): Promise<void>;
}

const auditorLogin = { username: 'revisore.bench', password: 'Revisore-Bench-2026' } as const;

/**
 * The app as test/support/testApp.ts builds it (NODE_ENV test, silent logger, driven by inject)
 * on the generated log, with the one read model the auditor pages need: accounts, for the login
 * and the actors' names. The auditor account is created with createStaffAccount, which appends
 * two events after the generated ones (once: a kept log has it already).
 */
export async function startAuditPortal(
  database: Database,
  store: EventStore,
  log: (line: string) => void,
): Promise<AuditPortal> {
  const logger = pino({ level: 'silent' });
  const projections = new ProjectionRunner({
    db: database.db,
    store,
    projections: [accountsProjection],
    logger,
  });
  const started = performance.now();
  await projections.rebuild(accountsProjection.name);
  const accountsRebuildSeconds = (performance.now() - started) / 1000;
  log(`accounts read model rebuilt over the log in ${accountsRebuildSeconds.toFixed(1)} s`);
  await projections.start();
  // A kept log (--reuse) already has the auditor of an earlier run.
  if (!(await accountProjected(database, auditorLogin.username, 0))) {
    const auditor = { fullName: 'Revisore Bench', email: 'revisore@bench.example' };
    await createStaffAccount(
      store,
      { role: 'auditor', ...auditorLogin, ...auditor },
      systemContext(new Date()),
    );
    if (!(await accountProjected(database, auditorLogin.username, 120_000)))
      throw new Error(`${auditorLogin.username} is not in the accounts read model after 120 s`);
  }
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test' }),
    logger,
    clock: () => new Date(),
    database,
    eventStore: store,
    projections,
    cookieSecret,
    sealPublicKey: testSeal.publicKey,
    eventTagKey: testTagKey,
    headWitness: testWitness(),
  });
  const auditor = new TestClient(app);
  const login = await auditor.post('/accesso', auditorLogin);
  if (login.statusCode !== 303) throw new Error(`Auditor login: ${login.statusCode}`);
  return {
    app,
    auditor,
    accountsRebuildSeconds,
    async close() {
      await app.close();
      await projections.stop();
    },
  };
}

/**
 * Polls the read model rather than waiting for headPosition: that stops below any transaction
 * still open anywhere on the server, and this machine's server is shared.
 */
async function accountProjected(
  database: Database,
  username: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await database.db
      .selectFrom('accounts')
      .select('account_id')
      .where('username', '=', username)
      .executeTakeFirst();
    if (row) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}
