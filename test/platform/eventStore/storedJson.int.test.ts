import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/platform/db/migrate.js';
import { canonicalJson, eventDigest } from '../../../src/platform/eventStore/hashChain.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { verifyLog, verifyStream } from '../../../src/platform/eventStore/verifyLog.js';
import { newEvent } from '../../support/events.js';
import { openTestDatabase, pgliteMigratedTo } from '../../support/testDatabase.js';

describe('events stored as the canonical text their digest covers', () => {
  it('keeps data and metadata byte for byte as canonical JSON', async () => {
    const { database, drop } = await openTestDatabase('pglite');
    try {
      const store = createPostgresEventStore(database);
      // Keys out of order, nested, with text jsonb would have re-encoded ("é", spacing, order).
      const event = newEvent('Noted', { z: 1, a: { y: [2, 'è'], b: null }, m: 'caffè "doppio"' });
      await store.appendToStream('s-text', [event]);
      const { rows } = await sql<{ data: string; metadata: string }>`
        select data::text as data, metadata::text as metadata from events`.execute(database.db);
      const [stored] = (await store.readStream('s-text')).events;
      expect(rows[0]?.data).toBe(canonicalJson(event.data));
      expect(rows[0]?.metadata).toBe(canonicalJson(stored!.metadata));
      expect(stored!.data).toEqual(event.data);
    } finally {
      await drop();
    }
  });

  it('still proves events stored as jsonb before the change, and finds one altered since', async () => {
    const database = await pgliteMigratedTo('0009_event_search');
    try {
      // As the store appended before migrations/0010: jsonb payload, digest of canonical content.
      for (const [streamId, events] of [
        [
          'contract-1',
          [newEvent('A', { b: 2, a: 1 }), newEvent('B', { list: [1, { y: 1, x: 2 }] })],
        ],
        ['contract-2', [newEvent('C', { note: 'è così' })]],
      ] as const) {
        const payload = events.map((event) => {
          const metadata = { ...event.metadata, recordedAt: '2026-11-01T10:00:00.000Z' };
          const digest = eventDigest(event.type, event.data, metadata);
          return {
            eventId: metadata.eventId,
            type: event.type,
            data: event.data,
            metadata,
            digest,
          };
        });
        await sql`select * from append_to_stream(${streamId}, -1, ${JSON.stringify(payload)}::jsonb)`.execute(
          database.db,
        );
      }
      await migrateToLatest(database.db);
      // jsonb's text, not the canonical one: the check must re-encode it.
      const { rows } = await sql<{ data: string }>`
        select data::text as data from events where stream_id = 'contract-1' and version = 1`.execute(
        database.db,
      );
      expect(rows[0]?.data).toBe('{"a": 1, "b": 2}');
      const store = createPostgresEventStore(database);
      await store.appendToStream('contract-1', [newEvent('D', { after: true })]);
      expect(await verifyLog(store)).toMatchObject({ events: 4, streams: 2, breaks: [] });

      await sql`alter table events disable trigger events_append_only`.execute(database.db);
      await sql`update events set data = '{"a": 1, "b": 3}'::json
                where stream_id = 'contract-1' and version = 1`.execute(database.db);
      const altered = [{ streamId: 'contract-1', version: 1, problem: 'altered' }];
      expect((await verifyLog(store)).breaks).toEqual(altered);
      expect((await verifyStream(store, 'contract-1')).breaks).toEqual(altered);
    } finally {
      await database.close();
    }
  });
});
