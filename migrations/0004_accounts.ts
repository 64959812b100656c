import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Read model of accounts, fed by the account streams (projections/accounts).
  await sql`
    create table accounts (
      account_id text primary key,
      username text not null,
      role text not null,
      kind text,
      status text not null,
      full_name text not null,
      phone text,
      email text not null,
      password_hash text not null,
      companies jsonb not null default '[]',
      registered_at timestamptz not null,
      verified_at timestamptz,
      decided_at timestamptz,
      decided_by text,
      rejection_reason text,
      must_change_password boolean not null default false
    )`.execute(db);
  await sql`create unique index accounts_username_key on accounts (lower(username))`.execute(db);
  await sql`create index accounts_status_idx on accounts (status, registered_at)`.execute(db);

  // Who the account mails go to, kept by the mail reactor itself (projections/accounts/accountMails.ts).
  await sql`
    create table mail_recipients (
      account_id text primary key,
      full_name text not null,
      email text not null
    )`.execute(db);

  // Operational state, not the legal record: sessions can be revoked, counters expire.
  await sql`
    create table sessions (
      token_hash text primary key,
      account_id text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      client_ip text,
      user_agent text
    )`.execute(db);
  await sql`create index sessions_account_idx on sessions (account_id)`.execute(db);
  await sql`
    create table rate_limits (
      key text primary key,
      window_started_at timestamptz not null,
      hits integer not null
    )`.execute(db);

  // The utility's customer/contract registry, imported by operators.
  await sql`
    create table utility_registry (
      customer_code text not null,
      contract_number text not null,
      company_name text not null,
      plant_address text not null,
      imported_at timestamptz not null,
      primary key (customer_code, contract_number)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'utility_registry',
    'rate_limits',
    'sessions',
    'mail_recipients',
    'accounts',
  ]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
