import { sql, type Kysely } from 'kysely';

/*
 * The Merkle tree over the whole log (src/platform/transparency/merkle.ts): every perfect
 * subtree's hash, level 0 being the leaves in commit order, and which leaf each event is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table merkle_nodes (
      level smallint not null,
      node_index bigint not null,
      hash bytea not null,
      primary key (level, node_index)
    )`.execute(db);
  await sql`
    create table merkle_leaves (
      event_id text primary key,
      leaf_index bigint not null unique
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table merkle_leaves`.execute(db);
  await sql`drop table merkle_nodes`.execute(db);
}
