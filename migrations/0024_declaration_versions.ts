import { sql, type Kysely } from 'kysely';

/*
 * A declaration's versions (domain/declarations/declarationVersions.ts): the first filing and each
 * correction, with its number, copy, figures and outcomes, and the organisations that filed one
 * (each keeps reading what it filed). Filled again from the log: the declarations view replays
 * from the start over its rows, which stay readable meanwhile (a replay overwrites each row with
 * the same final state). Stop every process of the earlier version before migrating: one still
 * running would replay without versions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table declarations
    add column versions jsonb not null default '[]',
    add column filed_by text[] not null default '{}'`.execute(db);
  await sql`create index declarations_filed_by_idx on declarations using gin (filed_by)`.execute(
    db,
  );
  await sql`delete from projection_checkpoints where name = 'declarations'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index declarations_filed_by_idx`.execute(db);
  await sql`alter table declarations drop column versions, drop column filed_by`.execute(db);
}
