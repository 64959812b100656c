import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent } from '../../support/events.js';
import { openTestDatabase, postgresUrl, type TestDatabase } from '../../support/testDatabase.js';

/**
 * A read of the log stops below the oldest transaction still open (commit order), so an append
 * committed while an older transaction runs is held back until that one ends, and its end wakes
 * no reader: it appended nothing. A request waiting to see its append must not wait for the poll.
 * PostgreSQL only: PGlite has one connection, where no other transaction can be open.
 */
describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: read-your-writes past a commit held back by an older transaction'
    : 'read-your-writes past a held-back commit (skipped: no PostgreSQL server, set DATABASE_URL)',
  () => {
    let test: TestDatabase;
    let store: EventStore;
    let runner: ProjectionRunner;
    /** Another process of the portal, standing by: it reads the leader's checkpoints. */
    let follower: ProjectionRunner;
    const runnerOf = () =>
      new ProjectionRunner(
        {
          db: test.database.db,
          store,
          logger: pino({ level: 'silent' }),
          projections: [
            {
              name: 'test_seen',
              tables: ['test_seen'],
              async apply(trx, events) {
                for (const event of events)
                  await sql`insert into test_seen values (${event.streamId})
                            on conflict do nothing`.execute(trx);
              },
            },
          ],
        },
        // As long as production's (500 ms), and then some: a wait for the poll shows.
        { pollIntervalMs: 60_000 },
      );
    beforeAll(async () => {
      test = await openTestDatabase('postgres');
      store = createPostgresEventStore(test.database);
      await sql`create table test_seen (stream_id text primary key)`.execute(test.database.db);
      runner = runnerOf();
      await runner.start();
      follower = runnerOf();
      await follower.standBy();
      const { position } = await store.appendToStream('first', [newEvent('X')]);
      expect(await runner.waitFor(position, 5_000)).toBe(true);
    });
    afterAll(async () => {
      await follower?.stop();
      await runner?.stop();
      await store?.close();
      await test?.drop();
    });

    /** Appends while an older transaction is open, which ends `endsAfterMs` later. */
    const heldBack = async (endsAfterMs: number, waiting: ProjectionRunner) => {
      const older = new pg.Client({ connectionString: test.url! });
      await older.connect();
      try {
        await older.query('begin');
        await older.query('select pg_current_xact_id()');
        const { position } = await store.appendToStream('held-back', [newEvent('X')]);
        const seen = waiting.waitFor(position, 5_000);
        // The append's wake-up has come and gone: the read it made stopped below `older`.
        await new Promise((resolve) => setTimeout(resolve, endsAfterMs));
        await older.query('commit');
        return await seen;
      } finally {
        await older.end();
      }
    };

    it('sees the append soon after the older transaction ends', async () => {
      expect(await heldBack(300, runner)).toBe(true);
    });

    it('shows it soon to a request waiting in another process', async () => {
      // Nothing waits in the leader: it rereads because it heard an append it has not read.
      expect(await heldBack(200, follower)).toBe(true);
    });
  },
);
