import { describe, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventStore/postgresEventStore.js';
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
    it.skip('skipped: no Docker for testcontainers and no DATABASE_URL', () => {});
  });
}
