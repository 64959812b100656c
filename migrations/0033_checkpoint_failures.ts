import { sql, type Kysely } from 'kysely';

/*
 * Several portal processes on one database: one applies the projections, the others show their
 * state from this table. A projection that stopped on an event says why here, for all of them;
 * the next checkpoint it saves clears it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table projection_checkpoints add column failure jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table projection_checkpoints drop column failure`.execute(db);
}
