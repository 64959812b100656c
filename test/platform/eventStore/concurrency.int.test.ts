import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { newEvent } from '../../support/events.js';
import { backends, openTestDatabase } from '../../support/testDatabase.js';

const writers = 16;
const total = 10_000;
const streams = 64;

describe.each(backends())('%s: global read under concurrent writers', (backend) => {
  it("sees every one of 10,000 events exactly once, in each stream's order", async () => {
    const { database, drop } = await openTestDatabase(backend);
    const store = createPostgresEventStore(database);
    try {
      let appended = 0;
      const write = async (writer: number) => {
        for (let i = writer; i < total; i += writers) {
          // Several writers share each stream, so per-stream order is really contended.
          await store.appendToStream(`load-${i % streams}`, [newEvent('Loaded', { writer, i })]);
          appended++;
        }
      };
      const seen: RecordedEvent[] = [];
      const read = async () => {
        let after = null;
        while (seen.length < total) {
          const batch = await store.readAll({ after, limit: 500 });
          seen.push(...batch);
          after = batch.at(-1)?.position ?? after;
          if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await Promise.all([read(), ...Array.from({ length: writers }, (_, w) => write(w))]);

      expect(appended).toBe(total);
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((event) => event.metadata.eventId)).size).toBe(total);
      const lastVersion = new Map<string, number>();
      for (const event of seen) {
        expect(event.version).toBe((lastVersion.get(event.streamId) ?? 0) + 1);
        lastVersion.set(event.streamId, event.version);
      }
    } finally {
      await drop();
    }
  }, 240_000); // PGlite runs the 16 writers one statement at a time
});
