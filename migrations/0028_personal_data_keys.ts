import { sql, type Kysely } from 'kysely';

/*
 * One data key per data subject (a person), kept apart from the events that carry its ciphertext
 * (src/platform/personalData). `wrapped_key` is the AES-256 key encrypted with the key held outside
 * the database (PERSONAL_DATA_KEY); erasure sets it to null and keeps the row, so a late event for
 * an erased person is written as erased rather than under a fresh key. `accounts` learns when each
 * account was closed (the retention of its person's data counts from then) and erased.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table personal_data_keys (
      key_id uuid primary key,
      subject_id text not null unique,
      wrapped_key bytea,
      created_at timestamptz not null default now(),
      erased_at timestamptz,
      constraint personal_data_keys_erased check ((wrapped_key is null) = (erased_at is not null))
    )`.execute(db);
  // The retention of a closed account's person counts from its closure.
  await sql`alter table accounts add column closed_at timestamptz, add column erased_at timestamptz`.execute(
    db,
  );
  // Accounts closed before this migration: their closure is in the log (or its copy, KurrentDB).
  await sql`
    update accounts a set closed_at = (
      select max((e.metadata ->> 'occurredAt')::timestamptz) from (
        select metadata from events
        where stream_id = 'account-' || a.account_id and type = 'AccountClosed'
        union all
        select metadata from event_log_copy
        where stream_id = 'account-' || a.account_id and type = 'AccountClosed') as e)
    where a.status = 'closed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts drop column closed_at, drop column erased_at`.execute(db);
  await sql`drop table personal_data_keys`.execute(db);
}
