import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import type { Database } from '../../../src/platform/db/database.js';
import { migrateToLatest } from '../../../src/platform/db/migrate.js';
import { statementsCounted } from '../../support/statements.js';
import { pgliteMigratedTo } from '../../support/testDatabase.js';

const names = Object.keys(migrations).sort();

describe('bringing the schema up to date', () => {
  const opened: Database[] = [];
  const migratedTo = async (name: string) => {
    const database = await pgliteMigratedTo(name);
    opened.push(database);
    return database;
  };
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
  });

  it('asks one statement of a database that has every migration', async () => {
    const { db, statements } = statementsCounted((await migratedTo(names.at(-1)!)).db);
    await migrateToLatest(db);

    expect(statements).toHaveLength(1);
  });

  it('runs the migrations a database lacks', async () => {
    const database = await migratedTo(names.at(-2)!);
    await migrateToLatest(database.db);

    const recorded = await database.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(recorded.map((row) => (row as { name: string }).name).sort()).toEqual(names);
  });

  it('refuses a database that recorded a migration this portal does not know', async () => {
    const database = await migratedTo(names.at(-1)!);
    await database.db
      .insertInto('kysely_migration' as never)
      .values({ name: '9999_from_a_newer_portal', timestamp: new Date().toISOString() })
      .execute();

    await expect(migrateToLatest(database.db)).rejects.toThrow(/9999_from_a_newer_portal/);
  });
});
