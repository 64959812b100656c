import { sql, type Kysely } from 'kysely';

/* The operators' list of refused logins: one row per recorded failure or throttled attempt. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table refused_sign_ins (
      event_id text primary key,
      at timestamptz not null,
      username text not null,
      account_id text,
      client_ip text,
      outcome text not null,
      retry_after_seconds integer,
      attempts integer not null default 1,
      unlocked_at timestamptz
    )`.execute(db);
  await sql`create index refused_sign_ins_at_idx on refused_sign_ins (at desc)`.execute(db);
  await sql`create index refused_sign_ins_username_idx on refused_sign_ins (lower(username), at desc)`.execute(
    db,
  );
  await sql`create index refused_sign_ins_ip_idx on refused_sign_ins (client_ip, at desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table refused_sign_ins`.execute(db);
}
