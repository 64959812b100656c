import { describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventStore/postgresEventStore.js';
import { newEvent } from '../support/events.js';
import { backends, openTestDatabase, postgresUrl } from '../support/testDatabase.js';
import { eventStoreContract } from './eventStoreContract.js';

for (const backend of backends()) {
  eventStoreContract(backend === 'pglite' ? 'PGlite' : 'PostgreSQL', async () => {
    const { database, drop } = await openTestDatabase(backend);
    return { store: createPostgresEventStore(database), close: drop };
  });
}

if (!postgresUrl()) {
  describe('PostgreSQL: event store contract', () => {
    it.skipIf(true)('skipped: no Docker for testcontainers and no DATABASE_URL', () => {});
  });
}

describe.each(backends())('%s: global order across digit boundaries', (backend) => {
  it('pages through positions 1..40 in append order, with no gap and no repeat', async () => {
    const { database, drop } = await openTestDatabase(backend);
    try {
      const store = createPostgresEventStore(database);
      // One transaction holding positions 1..12: text order would put 10 before 2.
      const batch = Array.from({ length: 12 }, (_, i) => newEvent('Many', { i }));
      await store.appendToStream('s-batch', batch);
      const appended = batch.map((event) => event.metadata.eventId);
      for (let i = 0; i < 28; i++) {
        const event = newEvent('One', { i });
        await store.appendToStream(`s-${i % 5}`, [event]);
        appended.push(event.metadata.eventId);
      }

      const read: string[] = [];
      for (let after = null; ;) {
        const page = await store.readAll({ after, limit: 4 });
        if (page.length === 0) break;
        read.push(...page.map((event) => event.metadata.eventId));
        after = page.at(-1)!.position;
      }
      expect(read).toEqual(appended);
      expect((await store.headPosition())?.prepare).toBe(40n);
    } finally {
      await drop();
    }
  });
});
