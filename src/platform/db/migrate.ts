import { Migrator, sql, type Kysely } from 'kysely';
import { migrations } from '../../../migrations/index.js';
import type { Schema } from './schema.js';

/** Brings the schema up to date; fails with the name of the migration that broke. */
export async function migrateToLatest(db: Kysely<Schema>): Promise<void> {
  if (await upToDate(db)) return;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Whether the database has recorded every migration and no other, in one statement: the
 * migrator's own check takes a dozen, with its lock, a third of a second of a restart on PGlite.
 * Anything else (a fresh database, a migration to run, one it does not know) is the migrator's.
 */
async function upToDate(db: Kysely<Schema>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const recorded = new Set(rows.map(({ name }) => name));
    const known = Object.keys(migrations);
    return recorded.size === known.length && known.every((name) => recorded.has(name));
  } catch (error) {
    // No migration table yet: a fresh database.
    if ((error as { code?: string }).code === '42P01') return false;
    throw error;
  }
}
