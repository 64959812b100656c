import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Written in the transaction of whatever causes the mail; `key` makes a replayed cause harmless.
  await sql`
    create table mail_outbox (
      id bigint generated always as identity primary key,
      key text not null,
      to_address text not null,
      subject text not null,
      text_body text not null,
      html_body text not null,
      attachments jsonb not null default '[]',
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz,
      message_id text,
      constraint mail_outbox_key_key unique (key)
    )`.execute(db);
  await sql`
    create index mail_outbox_due_idx on mail_outbox (next_attempt_at, id)
    where status = 'pending'`.execute(db);

  // The embedded default's receiver: one row per message, de-duplicated by the outbox row.
  await sql`
    create table mailbox (
      id bigint generated always as identity primary key,
      outbox_id bigint references mail_outbox (id) on delete set null,
      to_address text not null,
      subject text not null,
      raw text not null,
      received_at timestamptz not null default now(),
      constraint mailbox_outbox_id_key unique (outbox_id)
    )`.execute(db);
  await sql`create index mailbox_received_idx on mailbox (received_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table mailbox`.execute(db);
  await sql`drop table mail_outbox`.execute(db);
}
