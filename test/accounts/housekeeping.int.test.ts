import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetStaleRows } from '../../src/accounts/housekeeping.js';
import { openSession } from '../../src/accounts/sessions.js';
import { hitRateLimit } from '../../src/platform/http/rateLimit.js';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase.js';

describe('housekeeping of counters and sessions', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase('pglite');
  });
  afterAll(async () => test?.drop());

  it('forgets counters idle past every window and sessions ended a month ago, nothing else', async () => {
    const { db } = test.database;
    const now = new Date('2026-12-04T12:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const rule = { limit: 5, windowSeconds: 900 };
    await hitRateLimit(db, 'login:pair:203.0.113.9:vecchio', rule, daysAgo(40));
    await hitRateLimit(db, 'login:failures:ieri', rule, daysAgo(1));
    // A counter started long ago but hit yesterday still counts.
    await hitRateLimit(
      db,
      'login:failures:lungo',
      { limit: 99, windowSeconds: 40 * 86_400 },
      daysAgo(35),
    );
    await hitRateLimit(
      db,
      'login:failures:lungo',
      { limit: 99, windowSeconds: 40 * 86_400 },
      daysAgo(1),
    );
    const session = (accountId: string, openedDaysAgo: number) =>
      openSession(db, {
        accountId,
        now: daysAgo(openedDaysAgo),
        clientIp: null,
        userAgent: null,
      });
    await session('ended-long-ago', 45);
    await session('ended-last-week', 8);
    await session('live', 0);

    expect(await forgetStaleRows(db, now)).toEqual({ counters: 1, sessions: 1 });
    const keys = await db.selectFrom('rate_limits').select('key').orderBy('key').execute();
    expect(keys.map((row) => row.key)).toEqual(['login:failures:ieri', 'login:failures:lungo']);
    const accounts = await db
      .selectFrom('sessions')
      .select('account_id')
      .orderBy('account_id')
      .execute();
    expect(accounts.map((row) => row.account_id)).toEqual(['ended-last-week', 'live']);
    expect(await forgetStaleRows(db, now)).toEqual({ counters: 0, sessions: 0 });
  });
});
