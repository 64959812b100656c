import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stream_index (
      stream_id text primary key,
      category text not null,
      version integer not null,
      first_event_at timestamptz not null,
      last_event_at timestamptz not null,
      last_event_type text not null
    )`.execute(db);
  await sql`create index stream_index_category_idx on stream_index (category, last_event_at desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table stream_index`.execute(db);
}
