import { sql, type Kysely } from 'kysely';

/* A receipt's head is the first one covering its event: found by size, which only grows. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tree_heads_size on tree_heads (size)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index tree_heads_size`.execute(db);
}
