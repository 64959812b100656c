import { sql, type Kysely } from 'kysely';

/*
 * Each tile keeps the seven levels above its hashes as well (254 hashes at most), so a proof
 * reads one stored hash per subtree and hashes nothing: the tree is built again from the log.
 * Signed heads stay: the roots are the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from merkle_tiles`.execute(db);
  await sql`delete from projection_checkpoints where name = 'merkle_tree'`.execute(db);
  await sql`alter table merkle_tiles add column inner_hashes bytea not null`.execute(db);
  await sql`alter table merkle_tiles alter column inner_hashes set storage external`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table merkle_tiles drop column inner_hashes`.execute(db);
}
