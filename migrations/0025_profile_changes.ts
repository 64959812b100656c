import { sql, type Kysely } from 'kysely';

/*
 * «Modifica profilo»: what waits for an operator besides contracts and numbers — a company's new
 * identity (on its organisation's account) and a plant's new address (on its contract). No event
 * of either kind exists yet, so the read models need no replay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts add column company_changes jsonb not null default '[]'`.execute(
    db,
  );
  await sql`alter table contracts add column plant_change jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contracts drop column plant_change`.execute(db);
  await sql`alter table accounts drop column company_changes`.execute(db);
}
