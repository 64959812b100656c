import { sql, type Kysely } from 'kysely';

/*
 * A job whose process stopped is taken over by another (src/audit/jobLedger.ts): `owner` says
 * which process runs it now, so the one that lost it stops writing; `resume` is what another
 * needs to run it again (a verification's who and why, a rebuild's read models), none for a job
 * that cannot be run again, which shows as interrupted as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table background_jobs add column owner text, add column resume jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table background_jobs drop column owner, drop column resume`.execute(db);
}
