import { sql, type Kysely } from 'kysely';

/*
 * The Merkle tree as tiles (src/platform/transparency/merkleTiles.ts) instead of a row per node
 * and a row per event: a tile of level L holds up to 256 hashes of tree level 8L, packed. A tile
 * of level 0 also holds its leaves' places in the log (16 bytes each), its first one as columns
 * to find it by: an event's leaf is found from its place, with no row per event. The tree is
 * built again from the log: its checkpoint goes back to the start. A signed head keeps its own
 * event's place too, so the next signing finds that event's leaf the same way: tree_heads is
 * built again as well.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table merkle_tiles (
      level smallint not null,
      tile_index bigint not null,
      hashes bytea not null,
      positions bytea,
      first_tx xid8,
      first_position bigint,
      primary key (level, tile_index),
      check ((level = 0) = (positions is not null and first_tx is not null
                            and first_position is not null))
    )`.execute(db);
  // Hashes do not compress: stored out of line as they are, without trying.
  await sql`
    alter table merkle_tiles alter column hashes set storage external,
      alter column positions set storage external`.execute(db);
  await sql`
    create index merkle_tiles_first on merkle_tiles (first_tx, first_position)
    where level = 0`.execute(db);
  await sql`drop table merkle_leaves`.execute(db);
  await sql`drop table merkle_nodes`.execute(db);
  await sql`delete from projection_checkpoints where name = 'merkle_tree'`.execute(db);
  await sql`delete from tree_heads`.execute(db);
  await sql`delete from projection_checkpoints where name = 'tree_heads'`.execute(db);
  await sql`
    alter table tree_heads add column commit_position bigint not null,
      add column prepare_position bigint not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tree_heads drop column commit_position, drop column prepare_position`.execute(
    db,
  );
  await sql`drop table merkle_tiles`.execute(db);
  await sql`
    create table merkle_nodes (
      level smallint not null,
      node_index bigint not null,
      hash bytea not null,
      primary key (level, node_index)
    )`.execute(db);
  await sql`
    create table merkle_leaves (event_id text not null, leaf_index bigint primary key)`.execute(db);
  await sql`create index merkle_leaves_event on merkle_leaves (event_id)`.execute(db);
  await sql`delete from projection_checkpoints where name = 'merkle_tree'`.execute(db);
}
