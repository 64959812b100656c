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

  it('sends a long one as it is: a batch of many parameters is not kept', async () => {
    const values = Array.from({ length: 17 }, (_, i) => sql`${i}::int`);
    const found = await sql<{ n: number }>`select ${sql.join(values, sql` + `)} as n`.execute(
      database.db,
    );
    expect(found.rows[0]!.n).toBe(136);
    expect((await prepared()).some((statement) => statement.includes('$17'))).toBe(false);
  });

  it('prepares again a select * whose table changed under it', async () => {
    await sql`create table changing (id int)`.execute(database.db);
    const read = () => sql`select * from changing where id > ${0}`.execute(database.db);
    await read();
    await sql`alter table changing add column label text`.execute(database.db);
    // PostgreSQL refuses a prepared plan whose columns changed; the next run prepares it anew.
    await expect(read()).rejects.toThrow(/result type/);
    await sql`insert into changing values (1, 'uno')`.execute(database.db);
    expect((await read()).rows).toEqual([{ id: 1, label: 'uno' }]);
  });

  it('keeps at most 200 prepared, and runs the texts beyond them unprepared', async () => {
    for (let i = 0; i < 230; i++) {
      const found = await sql<{ n: number }>`select ${i}::int + ${sql.lit(i)} as n`.execute(
        database.db,
      );
      expect(found.rows[0]!.n).toBe(2 * i);
    }
    const kept = await prepared();
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept).not.toContain('select $1::int + 229 as n');
    expect(kept).toContain('select $1::int + 0 as n');
  });
});
