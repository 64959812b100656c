import { sql, type Kysely } from 'kysely';

/*
 * One person, one municipality is now kept by the event streams (a claim per fiscal code). The
 * read model no longer refuses a second row for a fiscal code: a log written before that rule,
 * where two assignments raced, would otherwise stop the observatory_people projection for good.
 * The admin page shows such a person, and the earliest association is the one that counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index observatory_officers_fiscal_idx`.execute(db);
  await sql`create index observatory_officers_fiscal_code_idx on observatory_officers (fiscal_code, assigned_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index observatory_officers_fiscal_code_idx`.execute(db);
  await sql`create unique index observatory_officers_fiscal_idx on observatory_officers (fiscal_code)`.execute(
    db,
  );
}
