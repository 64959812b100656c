import { sql } from 'kysely';
import { openPostgres, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { adminQuery } from './benchDatabase.js';

/**
 * Its own name, so it never meets the other benches' databases (AUDIT_BENCH_DATABASE names
 * another, e.g. a small log to try the bench on while a big one is kept).
 */
export const auditDatabaseName = /^[a-z_][a-z0-9_]*$/.test(process.env.AUDIT_BENCH_DATABASE ?? '')
  ? process.env.AUDIT_BENCH_DATABASE!
  : 'dichiara_bench_audit';

export function auditDatabaseUrl(serverUrl: string, options: { durable?: boolean } = {}): string {
  const url = new URL(serverUrl);
  url.pathname = `/${auditDatabaseName}`;
  // Generation only: a crash would lose the last commits of a log that is thrown away anyway.
  if (options.durable === false) url.searchParams.set('options', '-c synchronous_commit=off');
  return url.toString();
}

export const dropAuditDatabase = (serverUrl: string): Promise<void> =>
  adminQuery(serverUrl, `drop database if exists ${auditDatabaseName} with (force)`);

/** A fresh, migrated `dichiara_bench_audit` (any previous one is dropped). */
export async function createAuditDatabase(serverUrl: string): Promise<void> {
  await dropAuditDatabase(serverUrl);
  await adminQuery(serverUrl, `create database ${auditDatabaseName}`);
  const database = await openPostgres(auditDatabaseUrl(serverUrl), { poolSize: 2 });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
}

/** The existing database, migrated to the latest schema (a kept log may predate a migration). */
export async function openAuditDatabase(
  serverUrl: string,
  options: { poolSize: number; durable?: boolean },
): Promise<Database> {
  const database = await openPostgres(auditDatabaseUrl(serverUrl, options), options);
  await migrateToLatest(database.db);
  return database;
}

export async function auditDatabaseExists(serverUrl: string): Promise<boolean> {
  const database = await openPostgres(serverUrl, { poolSize: 1 });
  try {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_database where datname = ${auditDatabaseName}`.execute(
      database.db,
    );
    return rows[0]?.n === 1;
  } finally {
    await database.close();
  }
}

/** Events in the log, and the database's size on disk. */
export async function describeLog(database: Database) {
  const { rows } = await sql<{ events: string; streams: string; bytes: string }>`
    select (select count(*) from events) as events, (select count(*) from streams) as streams,
           pg_database_size(current_database()) as bytes`.execute(database.db);
  const row = rows[0]!;
  return {
    events: Number(row.events),
    streams: Number(row.streams),
    databaseMb: Math.round(Number(row.bytes) / 2 ** 20),
  };
}

/**
 * Bulk load: the events table's secondary indexes (those backing no constraint: the global feed's
 * and the auditors' search indexes, whatever the migrations made) are dropped while `fill` runs,
 * then built again from their own definitions, which takes far less than keeping them up to date
 * row by row. The resulting database is the same.
 */
export async function withSecondaryIndexesDeferred<T>(
  database: Database,
  fill: () => Promise<T>,
): Promise<{ result: T; indexSeconds: number; indexes: string[] }> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition from pg_indexes i
    where i.schemaname = 'public' and i.tablename = 'events'
      and not exists (select 1 from pg_constraint c where c.conindid = to_regclass(i.indexname))
    order by i.indexname`.execute(database.db);
  for (const { name } of rows) await sql`drop index ${sql.id(name)}`.execute(database.db);
  const result = await fill();
  const started = performance.now();
  await database.db.connection().execute(async (connection) => {
    await sql`set maintenance_work_mem = '512MB'`.execute(connection);
    for (const { definition } of rows) await sql.raw(definition).execute(connection);
    await sql`analyze events`.execute(connection);
    await sql`analyze streams`.execute(connection);
  });
  const indexSeconds = (performance.now() - started) / 1000;
  return { result, indexSeconds, indexes: rows.map((row) => row.name) };
}

/** The log's mix: events and mean stored size (data + metadata, as jsonb) per kind of stream. */
export async function describeMix(database: Database) {
  const { rows } = await sql<{ kind: string; events: string; bytes: string; streams: string }>`
    select substring(stream_id from
             '^(waste-flow|protocol-register|registry-imports|observatory-admins|digital-identity|[a-z]+)'
           ) as kind,
           count(*) as events, count(distinct stream_id) as streams,
           round(avg(pg_column_size(data) + pg_column_size(metadata))) as bytes
    from events group by 1 order by 2 desc`.execute(database.db);
  const total = rows.reduce((sum, row) => sum + Number(row.events), 0);
  const { rows: types } = await sql<{ type: string; events: string }>`
    select type, count(*) as events from events group by type order by 2 desc`.execute(database.db);
  return {
    byKind: rows.map((row) => ({
      kind: row.kind,
      events: Number(row.events),
      share: Number(row.events) / total,
      streams: Number(row.streams),
      meanStoredBytes: Number(row.bytes),
    })),
    byType: Object.fromEntries(types.map((row) => [row.type, Number(row.events)])),
  };
}
