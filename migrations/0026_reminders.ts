import { sql, type Kysely } from 'kysely';

/*
 * Deadline reminders: each one sent (its key, who got it, about what) and each subject's choice
 * to stop the optional ones. No event of either kind exists yet, so nothing needs a replay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reminders (
      key text primary key,
      area text not null,
      kind text not null,
      optional boolean not null,
      year integer,
      contract_number text,
      istat_code text,
      month text,
      recipients jsonb not null,
      about jsonb not null,
      sent_at timestamptz not null,
      event_id uuid not null
    )`.execute(db);
  await sql`create index reminders_by_campaign on reminders (year, sent_at) where area = 'declarations'`.execute(
    db,
  );
  await sql`create index reminders_by_month on reminders (month, sent_at) where area = 'observatory'`.execute(
    db,
  );
  await sql`
    create table reminder_choices (
      subject text primary key,
      stopped boolean not null,
      via text not null,
      changed_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table reminder_choices`.execute(db);
  await sql`drop table reminders`.execute(db);
}
