import { sql, type Kysely } from 'kysely';

/*
 * A receipt's head is the first one covering its event: found by size, which only grows. A leaf
 * is keyed by its index: event ids are unique in PostgreSQL's log but not in KurrentDB's, where
 * the same id may be in two streams, and a repeated id must not stop the tree.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tree_heads_size on tree_heads (size)`.execute(db);
  await sql`alter table merkle_leaves drop constraint merkle_leaves_pkey`.execute(db);
  await sql`alter table merkle_leaves drop constraint merkle_leaves_leaf_index_key`.execute(db);
  await sql`alter table merkle_leaves add primary key (leaf_index)`.execute(db);
  await sql`create index merkle_leaves_event on merkle_leaves (event_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index merkle_leaves_event`.execute(db);
  await sql`alter table merkle_leaves drop constraint merkle_leaves_pkey`.execute(db);
  await sql`alter table merkle_leaves add unique (leaf_index)`.execute(db);
  await sql`alter table merkle_leaves add primary key (event_id)`.execute(db);
  await sql`drop index tree_heads_size`.execute(db);
}
