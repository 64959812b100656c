import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';

export const benchDatabaseName = 'dichiara_bench';

export type Backend = 'postgres' | 'pglite';

export interface BenchDatabase {
  readonly backend: Backend;
  readonly database: Database;
  /** Connection string of the bench database (PostgreSQL only). */
  readonly url: string | null;
  /** Forces a checkpoint, so one run's dirty pages are not flushed during the next (PostgreSQL). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database: `dichiara_bench` on the server (dropped on close), or PGlite in
 * memory. Nothing else on the server is touched.
 */
export async function openBenchDatabase(
  backend: Backend,
  serverUrl: string,
  poolSize: number,
): Promise<BenchDatabase> {
  if (backend === 'pglite') {
    const database = await openPglite('memory://');
    await migrateToLatest(database.db);
    return { backend, database, url: null, settle: async () => {}, close: () => database.close() };
  }
  await dropBenchDatabase(serverUrl);
  await adminQuery(serverUrl, `create database ${benchDatabaseName}`);
  const url = withDatabase(serverUrl, benchDatabaseName);
  const database = await openPostgres(url, { poolSize });
  await migrateToLatest(database.db);
  return {
    backend,
    database,
    url,
    settle: () => adminQuery(serverUrl, 'checkpoint'),
    async close() {
      await database.close();
      await dropBenchDatabase(serverUrl);
    },
  };
}

export const dropBenchDatabase = (serverUrl: string): Promise<void> =>
  adminQuery(serverUrl, `drop database if exists ${benchDatabaseName} with (force)`);

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Server version and the settings that decide commit cost. */
export async function describeServer(serverUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `select name, current_setting(name) as setting from pg_settings
       where name in ('server_version', 'synchronous_commit', 'fsync', 'wal_sync_method',
                      'shared_buffers', 'commit_delay', 'max_wal_size')`,
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
  } finally {
    await client.end();
  }
}
