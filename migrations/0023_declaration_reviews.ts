import { sql, type Kysely } from 'kysely';

/*
 * A filed declaration's latest outcome from the utility (domain/declarations/reviewDeclaration.ts),
 * as the declarants' and the operators' pages show it: null until one is recorded. No event
 * recorded before has one, so nothing is rebuilt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table declarations add column review jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table declarations drop column review`.execute(db);
}
