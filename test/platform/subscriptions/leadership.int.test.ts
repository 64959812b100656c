import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database } from '../../../src/platform/db/database.js';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { checkpointsChannel } from '../../../src/platform/subscriptions/checkpoints.js';
import { Leadership } from '../../../src/platform/subscriptions/leadership.js';
import type { Projection } from '../../../src/platform/subscriptions/projection.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent } from '../../support/events.js';
import { openTestDatabase, postgresUrl, type TestDatabase } from '../../support/testDatabase.js';

const logger = pino({ level: 'silent' });

/** One process of the portal as far as projections go: its pool, its store, its runner. */
interface Process {
  readonly database: Database;
  readonly store: EventStore;
  readonly runner: ProjectionRunner;
  readonly leadership: Leadership;
  /** Events this process's projection applied. */
  readonly applied: string[];
}

/**
 * Two processes on one PostgreSQL: one leads and applies, the other stands by, reads its own
 * writes through the leader's checkpoints, and takes the lead when the leader's connection dies.
 */
describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: one process of several leads'
    : 'one process of several leads (skipped: no PostgreSQL server, set DATABASE_URL)',
  { timeout: 60_000 },
  () => {
    let test: TestDatabase;
    const processes: Process[] = [];

    const startProcess = async (): Promise<Process> => {
      const database = await openPostgres(test.url!, { poolSize: 4 });
      const store = createPostgresEventStore(database);
      const applied: string[] = [];
      const projection: Projection = {
        name: 'test_counts',
        tables: ['test_counts'],
        async apply(trx, events) {
          for (const event of events) {
            applied.push(event.metadata.eventId);
            await sql`insert into test_counts (stream_id, n) values (${event.streamId}, 1)
                      on conflict (stream_id) do update set n = test_counts.n + 1`.execute(trx);
          }
        },
      };
      const runner = new ProjectionRunner(
        {
          db: database.db,
          store,
          projections: [projection],
          logger,
          checkpointsMoved: (wake) => database.listen(checkpointsChannel, wake),
        },
        { pollIntervalMs: 100 },
      );
      const leadership = new Leadership(database, { retryMs: 200, logger });
      await leadership.start({ lead: () => runner.lead(), follow: () => runner.standBy() });
      const started = { database, store, runner, leadership, applied };
      processes.push(started);
      return started;
    };
    const count = async (db: Database, streamId: string) =>
      (
        await sql<{ n: number }>`select n from test_counts where stream_id = ${streamId}`.execute(
          db.db,
        )
      ).rows[0]?.n ?? 0;

    beforeAll(async () => {
      test = await openTestDatabase('postgres');
      await sql`create table test_counts (stream_id text primary key, n integer not null)`.execute(
        test.database.db,
      );
    });
    afterAll(async () => {
      for (const each of processes) {
        await each.leadership.stop(() => each.runner.stop());
        await each.store.close();
        await each.database.close();
      }
      await test.drop();
    });

    it('applies each event once, in the leader, and the other reads its own writes', async () => {
      const first = await startProcess();
      const second = await startProcess();
      expect([first.leadership.leading, second.leadership.leading]).toEqual([true, false]);
      expect([first.runner.applies, second.runner.applies]).toEqual([true, false]);

      // Appended by the process standing by, awaited there: the leader applied it.
      const { position } = await second.store.appendToStream('s-1', [newEvent('A'), newEvent('B')]);
      expect(await second.runner.waitFor(position)).toBe(true);
      expect(await count(second.database, 's-1')).toBe(2);
      expect(first.applied).toHaveLength(2);
      expect(second.applied).toHaveLength(0);
      // The status it shows is the leader's checkpoint.
      const [shown] = second.runner.status();
      expect(shown).toMatchObject({ name: 'test_counts', state: 'running', checkpoint: position });
    });

    it('is taken over by the other when the leader’s connection dies', async () => {
      const [first, second] = processes as [Process, Process];
      // The leader's lock connection killed, as a process killed would lose it.
      const admin = new pg.Client({ connectionString: test.url! });
      await admin.connect();
      await admin.query(
        `select pg_terminate_backend(pid) from pg_locks
          where locktype = 'advisory' and granted and pid <> pg_backend_pid()
            and database = (select oid from pg_database where datname = current_database())`,
      );
      await admin.end();
      await expect.poll(() => second.leadership.leading, { timeout: 10_000 }).toBe(true);
      expect(first.leadership.leading).toBe(false);

      const { position } = await first.store.appendToStream('s-2', [newEvent('C')]);
      expect(await first.runner.waitFor(position)).toBe(true);
      expect(await count(first.database, 's-2')).toBe(1);
      expect(second.applied).toHaveLength(1);
      expect(first.applied).toHaveLength(2);
      // The first stood by and tries again: it leads once the second lets go.
      await second.leadership.stop(() => second.runner.stop());
      await expect.poll(() => first.leadership.leading, { timeout: 10_000 }).toBe(true);
      const third = await first.store.appendToStream('s-3', [newEvent('D')]);
      expect(await first.runner.waitFor(third.position)).toBe(true);
      expect(first.applied).toHaveLength(3);
    });
  },
);
