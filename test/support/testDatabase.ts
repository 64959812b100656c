import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export type Backend = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly database: Database;
  /** For PostgreSQL, the URL of this test's own database (e.g. for a CLI run). */
  readonly url: string | null;
  readonly drop: () => Promise<void>;
}

export const postgresUrl = (): string | null => inject('postgresUrl');

/** Every backend this machine can run: PGlite always, PostgreSQL when there is a server. */
export const backends = (): Backend[] => (postgresUrl() ? ['pglite', 'postgres'] : ['pglite']);

/** A fresh, migrated database: in memory for PGlite, a new database on the server otherwise. */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await openPglite('memory://');
    await migrateToLatest(database.db);
    return { database, url: null, drop: () => database.close() };
  }
  const serverUrl = postgresUrl();
  if (!serverUrl) throw new Error('No PostgreSQL server for the tests');
  const name = `dichiara_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = withDatabase(serverUrl, name);
  const database = await openPostgres(url, { poolSize: 24 });
  await migrateToLatest(database.db);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
