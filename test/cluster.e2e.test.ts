import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childrenOf,
  expectMemorySettings,
  fromSources,
  isRunning,
  npmStart,
  startPortal,
  startPortalExpectingRefusal,
} from './support/portal.js';
import { openTestDatabase, postgresUrl, type TestDatabase } from './support/testDatabase.js';

describe('WORKERS=n npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dichiara-cluster-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses more than one process on PGlite, saying to use PostgreSQL', async () => {
    const refused = await startPortalExpectingRefusal({ DATA_DIR: dataDir, WORKERS: '2' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      'WORKERS: con più di un processo serve PostgreSQL (DATABASE_URL)',
    );
  });

  describe.skipIf(!postgresUrl())(
    postgresUrl()
      ? 'postgres: several processes on one port'
      : 'several processes on one port (skipped: no PostgreSQL server, set DATABASE_URL)',
    () => {
      let test: TestDatabase;
      beforeAll(async () => {
        test = await openTestDatabase('postgres');
      });
      afterAll(async () => test?.drop());

      it('serves from two workers, restarts one killed, stops them all at once', async () => {
        const portal = await startPortal(
          {
            DATA_DIR: dataDir,
            DATABASE_URL: test.url!,
            NODE_ENV: 'development',
            WORKERS: '2',
          },
          // Not through npm start's launcher: the workers' setting must come from the primary.
          fromSources,
        );
        try {
          const pids = /Processi: 2 \(pid (\d+), (\d+)\)/.exec(portal.output());
          expect(pids, portal.output()).not.toBeNull();
          // Each worker started with the allocator's settings (src/allocator.ts).
          expectMemorySettings(Number(pids![2]));
          for (let i = 0; i < 4; i++)
            expect((await fetch(`${portal.url}/readyz`)).status).toBe(200);

          process.kill(Number(pids![1]), 'SIGKILL');
          await expect
            .poll(() => portal.output(), { timeout: 10_000 })
            .toContain(`Il processo ${pids![1]} si è fermato (SIGKILL): ne avvio un altro.`);
          // The other worker answers meanwhile; the new one joins it.
          for (let i = 0; i < 4; i++)
            expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
        } finally {
          expect(await portal.stop()).toBe(0);
        }
        expect(portal.output().match(/Arresto completato/g)).toHaveLength(1);
      });

      it('through npm start: its launcher killed, the primary and its workers stop', async () => {
        const portal = await startPortal(
          { DATA_DIR: dataDir, DATABASE_URL: test.url!, NODE_ENV: 'development', WORKERS: '2' },
          npmStart,
        );
        const pids = /Processi: 2 \(pid (\d+), (\d+)\)/.exec(portal.output());
        expect(pids, portal.output()).not.toBeNull();
        const [primary] = childrenOf(portal.process.pid!);
        portal.process.kill('SIGKILL');
        if (process.platform === 'linux') {
          for (const pid of [primary!, Number(pids![1]), Number(pids![2])])
            await expect.poll(() => isRunning(pid), { timeout: 15_000 }).toBe(false);
        }
        // The port is free again.
        await expect
          .poll(
            async () =>
              fetch(portal.url).then(
                () => true,
                () => false,
              ),
            { timeout: 5_000 },
          )
          .toBe(false);
      });
    },
  );
});
