import { createHash } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Schema } from '../../src/platform/db/schema.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';
import type { AppendOne } from './writers.js';

/** Our store: one append_to_stream call per event, at the exact expected version. */
export const ourAppend =
  (store: EventStore): AppendOne =>
  async (streamId, expectedVersion, event) => {
    await store.appendToStream(streamId, [event], { expectedVersion });
  };

/**
 * The physical floor: a copy of the events table (same columns, defaults, identity, constraints
 * and indexes; LIKE never copies triggers) and one autocommit single-row INSERT per event, sent
 * through the same kysely/pg pool as our store. No stream row, no lock, no checks, no notify.
 */
export async function createRawTable(db: Kysely<Schema>): Promise<void> {
  await sql`drop table if exists bench_raw_events`.execute(db);
  await sql`create table bench_raw_events (like events including all)`.execute(db);
  const { rows } = await sql<{ identity: string }>`
    select attidentity as identity from pg_attribute
    where attrelid = 'bench_raw_events'::regclass and attname = 'position'`.execute(db);
  if (rows[0]?.identity !== 'a') {
    const identity = sql`generated always as identity`;
    await sql`alter table bench_raw_events alter column position add ${identity}`.execute(db);
  }
}

export const rawAppend =
  (db: Kysely<Schema>): AppendOne =>
  async (streamId, expectedVersion, event) => {
    const metadata = { ...event.metadata, recordedAt: new Date().toISOString() };
    const hash = createHash('sha256').update(metadata.eventId).digest();
    const [data, meta] = [JSON.stringify(event.data), JSON.stringify(metadata)];
    await sql`
      insert into bench_raw_events (stream_id, version, event_id, type, data, metadata, hash)
      values (${streamId}, ${expectedVersion + 1}, ${metadata.eventId}, ${event.type},
              ${data}::json, ${meta}::json, ${hash})`.execute(db);
  };

export interface EmmettTarget {
  readonly append: AppendOne;
  close(): Promise<void>;
}

/** Type parsers that Emmett's driver (dumbo) replaces process-wide on the shared `pg` module. */
const touchedParsers = [20, 114, 3802] as const;

/**
 * Emmett's PostgreSQL store on its own pg pool of `poolSize` connections (its default pool is
 * pg's 10, which would queue 6 of 16 writers). Its schema is created before timing starts.
 */
export async function openEmmett(url: string, poolSize: number): Promise<EmmettTarget> {
  const saved = touchedParsers.map(
    (oid) => [oid, pg.types.getTypeParser(oid, 'text') as (value: string) => unknown] as const,
  );
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // pool.end() resolves before its sockets close; dropping the database then kills them.
  pool.on('error', () => undefined);
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  return {
    async append(streamId, expectedVersion, event) {
      const message = { type: event.type, data: event.data, metadata: { ...event.metadata } };
      await store.appendToStream(streamId, [message], {
        expectedStreamVersion: BigInt(expectedVersion),
      });
    },
    async close() {
      await store.close();
      await pool.end();
      for (const [oid, parser] of saved) pg.types.setTypeParser(oid, 'text', parser);
    },
  };
}
