import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Database } from '../../../src/platform/db/database.js';

/** PGlite's statements with parameters, prepared by name on its one connection (database.ts). */
describe('statements on PGlite', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openPglite('memory://');
    await sql`create table items (id int primary key, label text)`.execute(database.db);
  });
  afterAll(() => database.close());

  const prepared = async () =>
    (
      await sql<{
        statement: string;
      }>`select statement from pg_prepared_statements`.execute(database.db)
    ).rows.map((row) => row.statement);

  it('prepares one with parameters once, and runs it again by name', async () => {
    const insert = (id: number) =>
      sql`insert into items (id, label) values (${id}, ${`n${id}`})`.execute(database.db);
    await insert(1);
    await insert(2);
    const text = 'insert into items (id, label) values ($1, $2)';
    expect((await prepared()).filter((statement) => statement === text)).toHaveLength(1);
    const rows = await sql<{ label: string }>`select label from items where id = ${2}`.execute(
      database.db,
    );
    expect(rows.rows).toEqual([{ label: 'n2' }]);
  });

  it('sends one without parameters as it is: several statements in one text', async () => {
    await sql.raw('update items set label = label; select 1').execute(database.db);
    expect(await prepared()).not.toContain('update items set label = label; select 1');
  });

  it('keeps at most 200 prepared, and runs the texts beyond them unprepared', async () => {
    for (let i = 0; i < 230; i++) {
      const found = await sql<{ n: number }>`select ${i}::int + ${sql.lit(i)} as n`.execute(
        database.db,
      );
      expect(found.rows[0]!.n).toBe(2 * i);
    }
    expect((await prepared()).length).toBe(200);
  });
});
