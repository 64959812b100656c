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
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import {
  openPglite,
  openPostgres,
  pgliteDatabase,
  type Database,
} from '../../src/platform/db/database.js';
import { migrations } from '../../migrations/index.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import type { Schema } from '../../src/platform/db/schema.js';

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
 * pays neither initdb nor the migrations; a PGlite instance a test has finished with is emptied
 * and handed to the next one, unless the test changed its schema.
 */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const pglite = await takePglite();
    const database = pgliteDatabase(pglite, () => giveBack(pglite));
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
 * An in-memory PGlite migrated up to `migration` only (a name in migrations/index.ts): the
 * database an earlier version left, for a migration's test to fill before migrating the rest.
 */
export async function pgliteMigratedTo(migration: string): Promise<Database> {
  const database = await openPglite('memory://');
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
  });
  const { error } = await migrator.migrateTo(migration);
  if (error) {
    await database.close();
    throw new Error(`Migrating to ${migration} failed`, { cause: error });
  }
  return database;
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

/** Emptied instances of this worker, ready for the next test; a few, each holds its own heap. */
const idle: PGlite[] = [];
const maxIdle = 2;
let templateShape: Promise<string> | undefined;

async function takePglite(): Promise<PGlite> {
  const reused = idle.pop();
  if (reused) return reused;
  const pglite = await PGlite.create({ loadDataDir: await pgliteTemplate() });
  templateShape ??= schemaShape(pglite);
  await templateShape;
  return pglite;
}

/**
 * Empties the instance for the next test (session reset, every table emptied, sequences
 * restarted), or closes it when the test changed the schema (a dropped index, a disabled trigger,
 * a table of its own) or the pool is full.
 */
async function giveBack(pglite: PGlite): Promise<void> {
  try {
    if (idle.length >= maxIdle) return await pglite.close();
    await pglite.exec('discard all');
    if ((await schemaShape(pglite)) !== (await templateShape)) return await pglite.close();
    const { rows: tables } = await pglite.query<{ name: string }>(
      `select quote_ident(tablename) as name from pg_tables
        where schemaname = 'public' and tablename not like 'kysely\\_migration%'`,
    );
    const { rows: sequences } = await pglite.query<{ name: string }>(
      `select quote_ident(sequencename) as name from pg_sequences where schemaname = 'public'`,
    );
    // DELETE, not TRUNCATE: tables this small empty in milliseconds, without new files. The log's
    // append-only trigger refuses it; replica mode skips triggers for this reset only.
    await pglite.exec(`set session_replication_role = replica;
      ${tables.map(({ name }) => `delete from ${name};`).join('\n')}
      ${sequences.map(({ name }) => `select setval('${name}', 1, false);`).join('\n')}
      reset session_replication_role;`);
    idle.push(pglite);
  } catch {
    if (!pglite.closed) await pglite.close();
  }
}

/** Tables, columns, indexes, constraints, triggers (and whether enabled) and functions. */
async function schemaShape(pglite: PGlite): Promise<string> {
  const { rows } = await pglite.query<{ shape: string }>(`
    select md5(string_agg(item, ';' order by item)) as shape from (
      select 'r ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, '') as item
        from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
      union all
      select 'a ' || a.attrelid::regclass || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
        || ' ' || a.attnotnull::text from pg_attribute a join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
      union all
      select 'i ' || pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
      union all
      select 'k ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid) from pg_constraint
        where connamespace = 'public'::regnamespace
      union all
      select 't ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text from pg_trigger
        where not tgisinternal
      union all
      select 'f ' || p.proname || ' ' || md5(p.prosrc) from pg_proc p
        where p.pronamespace = 'public'::regnamespace
      union all
      select 'u ' || rolname from pg_roles
    ) shape`);
  return rows[0]!.shape;
}

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
