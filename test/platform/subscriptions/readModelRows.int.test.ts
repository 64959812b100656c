import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPairsIn, upsertRows } from '../../../src/platform/subscriptions/readModelRows.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

describe.each(backends())('%s: read-model rows written and found by key', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(() => test.drop());

  const at = '2026-01-15T10:00:00.000Z';
  const row = (n: number, version: number, type = 'X') => ({
    stream_id: `s-${n}`,
    category: 's',
    version,
    first_event_at: at,
    last_event_at: at,
    last_event_type: type,
  });

  it('writes more rows than one statement takes, and updates those it finds', async () => {
    // 12,000 rows of 6 columns: 72,000 parameters, more than PostgreSQL takes in one statement.
    const rows = Array.from({ length: 12_000 }, (_, n) => row(n, 1));
    await test.database.db
      .transaction()
      .execute((trx) => upsertRows(trx, 'stream_index', ['stream_id'], rows));
    await test.database.db
      .transaction()
      .execute((trx) =>
        upsertRows(trx, 'stream_index', ['stream_id'], [row(7, 2, 'Y'), row(12_000, 1)]),
      );
    const stored = await test.database.db
      .selectFrom('stream_index')
      .select(['stream_id', 'version', 'last_event_type'])
      .where('stream_id', 'in', ['s-0', 's-7', 's-11999'])
      .orderBy('stream_id')
      .execute();
    expect(stored).toEqual([
      { stream_id: 's-0', version: 1, last_event_type: 'X' },
      { stream_id: 's-11999', version: 1, last_event_type: 'X' },
      { stream_id: 's-7', version: 2, last_event_type: 'Y' },
    ]);
    const { count } = await test.database.db
      .selectFrom('stream_index')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(12_001);
  });

  it('finds rows by pairs of key values, and only those pairs', async () => {
    const found = await test.database.db
      .selectFrom('stream_index')
      .select('stream_id')
      .where(
        keyPairsIn(
          ['stream_id', 'version'],
          ['text', 'int'],
          [
            ['s-7', 2],
            ['s-8', 1],
            ['s-9', 2],
          ],
        ),
      )
      .orderBy('stream_id')
      .execute();
    expect(found.map((each) => each.stream_id)).toEqual(['s-7', 's-8']);
  });
});
