import { sql, type Kysely } from 'kysely';

/*
 * Login throttling waits longer after each failure, counted from the last one: the counter keeps
 * when it was last hit, and the hit before (set by the same upsert that counts, from the locked
 * row, so concurrent hits each see the one before them). Rows written before have neither, which
 * counts as no wait.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits add column last_hit_at timestamptz`.execute(db);
  await sql`alter table rate_limits add column previous_hit_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits drop column previous_hit_at`.execute(db);
  await sql`alter table rate_limits drop column last_hit_at`.execute(db);
}
