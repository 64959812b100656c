import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Schema } from '../../src/db/schema.js';

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

/**
 * A fresh, migrated database: in memory for PGlite, a new database on the server otherwise. Both
 * are copies of one migrated template (made once for these migrations, then reused), so a test
 * pays neither initdb nor the migrations.
 */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await openPglite('memory://', await pgliteTemplate());
    return { database, url: null, drop: () => database.close() };
  }
  const serverUrl = postgresUrl();
  if (!serverUrl) throw new Error('No PostgreSQL server for the tests');
  const name = `dichiara_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, async (client) => {
    const template = await postgresTemplate(serverUrl, client);
    await client.query(`create database ${name} template ${template}`);
  });
  const url = withDatabase(serverUrl, name);
  const database = await openPostgres(url, { poolSize: 24 });
  return {
    database,
    url,
    async drop() {
      await database.close();
      await adminQuery(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

/**
 * A new DATA_DIR whose PGlite folder already holds the migrated schema (the template), as
 * `npm start` leaves it: a test of a command or a journey does not pay initdb; `npm start` on an
 * empty folder is tested on its own (test/embeddedStart).
 */
export async function migratedDataDir(prefix: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), `dichiara-${prefix}-`));
  const pglite = await PGlite.create(join(dataDir, 'pglite'), {
    loadDataDir: await pgliteTemplate(),
  });
  await pglite.close();
  return dataDir;
}

export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Names the schema the migrations make, with the PGlite release that stores it. */
const templateKey = (() => {
  const digest = createHash('sha256');
  const migrationsDir = join(root, 'migrations');
  for (const file of readdirSync(migrationsDir).sort())
    digest.update(file).update(readFileSync(join(migrationsDir, file)));
  // The package's exports hide its package.json: read the installed copy's.
  const pgliteManifest = join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return digest.update(readFileSync(pgliteManifest)).digest('hex').slice(0, 16);
})();

let pgliteDump: Promise<Blob> | undefined;

/** The migrated PGlite data directory, kept in node_modules/.cache between runs. */
function pgliteTemplate(): Promise<Blob> {
  pgliteDump ??= (async () => {
    const dir = join(root, 'node_modules', '.cache', 'dichiara-tests');
    const file = join(dir, `pglite-${templateKey}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const pglite = await PGlite.create('memory://');
    try {
      const db = new Kysely<Schema>({
        dialect: new PostgresDialect({ pool: new pg.Pool(createPgConfig(pglite)) }),
      });
      await migrateToLatest(db);
      await db.destroy();
      const dump = await pglite.dumpDataDir('none');
      mkdirSync(dir, { recursive: true });
      // Another worker may be writing the same template: each writes its own, then renames.
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
      return dump;
    } finally {
      await pglite.close();
    }
  })();
  return pgliteDump;
}

/**
 * The migrated template database on the server, made under a lock by the first worker that needs
 * it (built under a temporary name, so nobody copies a half-migrated one); templates of older
 * migrations are dropped.
 */
async function postgresTemplate(serverUrl: string, client: pg.Client): Promise<string> {
  const template = `dichiara_template_${templateKey}`;
  await client.query(`select pg_advisory_lock(hashtext('dichiara_template'))`);
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
      template,
    ]);
    if (rowCount) return template;
    const building = `${template}_building`;
    await client.query(`drop database if exists ${building} with (force)`);
    await client.query(`create database ${building}`);
    const database = await openPostgres(withDatabase(serverUrl, building), { poolSize: 1 });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
    await client.query(`alter database ${building} rename to ${template}`);
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like 'dichiara\\_template\\_%' and datname <> $1`,
      [template],
    );
    for (const { datname } of rows)
      await client.query(`drop database if exists ${datname} with (force)`);
    return template;
  } finally {
    await client.query(`select pg_advisory_unlock(hashtext('dichiara_template'))`);
  }
}

async function adminQuery(serverUrl: string, work: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
