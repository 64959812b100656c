import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, postgresUrl, type TestDatabase } from '../../support/testDatabase.js';

describe.skipIf(!postgresUrl())(
  postgresUrl()
    ? 'postgres: a LISTEN connection lost'
    : 'a LISTEN connection lost (skipped: no PostgreSQL server, set DATABASE_URL)',
  () => {
    let test: TestDatabase;
    beforeEach(async () => {
      test = await openTestDatabase('postgres');
    });
    afterEach(async () => test.drop());

    it('is made again, tells its listener so, and hears what is sent after', async () => {
      const heard: string[] = [];
      const stop = await test.database.listen('tests_channel', (payload) => heard.push(payload));
      try {
        await sql`select pg_notify('tests_channel', 'before')`.execute(test.database.db);
        await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['before']);

        // The server ends the connection, as on a restart or a failover.
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query like 'LISTEN%'`.execute(test.database.db);
        await expect.poll(() => heard, { timeout: 10_000 }).toEqual(['before', '']);
        await sql`select pg_notify('tests_channel', 'after')`.execute(test.database.db);
        await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['before', '', 'after']);
      } finally {
        await stop();
      }
    });
  },
);
