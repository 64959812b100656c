import { describe, inject } from 'vitest';
import { createKurrentEventStore } from '../../../src/platform/eventStore/kurrentEventStore.js';
import { eventStoreContract } from './eventStoreContract.js';

// A KurrentDB server comes from testcontainers where Docker runs, or from KURRENTDB_URL,
// e.g. KURRENTDB_URL=kurrentdb://localhost:2113?tls=false
const url = inject('kurrentUrl');

if (!url) {
  console.warn(
    '[tests] KurrentDB event store contract skipped: no Docker for testcontainers and no KURRENTDB_URL.',
  );
}

describe.skipIf(!url)(
  url
    ? 'KurrentDB event store'
    : 'KurrentDB event store (skipped: no Docker for testcontainers and no KURRENTDB_URL)',
  () => {
    eventStoreContract(
      'KurrentDB',
      async () => {
        const store = createKurrentEventStore(url ?? '');
        // Fails in beforeAll, with the client's reason, when the server cannot be reached.
        await store.headPosition();
        return { store, close: () => store.close() };
      },
      { eventIdsUniqueAcrossStreams: false },
    );
  },
);
