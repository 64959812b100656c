import { sql, type Kysely } from 'kysely';

/* The signed heads of the log's Merkle tree, as recorded in the stream transparency-heads. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tree_heads (
      version integer primary key,
      event_id text not null unique,
      origin text not null,
      size bigint not null,
      root bytea not null,
      signed_at timestamptz not null,
      signature text not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table tree_heads`.execute(db);
}
