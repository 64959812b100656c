import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Who files each municipality's months, and the observatory's admins (projections/observatory).
  await sql`
    create table observatory_officers (
      istat_code text primary key,
      fiscal_code text not null,
      email text not null,
      assigned_at timestamptz not null
    )`.execute(db);
  await sql`create unique index observatory_officers_fiscal_idx on observatory_officers (fiscal_code)`.execute(
    db,
  );
  await sql`
    create table observatory_admins (
      fiscal_code text primary key,
      granted_at timestamptz not null
    )`.execute(db);
  // One row per municipality and month, with the current rows and the separate-collection figures.
  await sql`
    create table waste_flows (
      istat_code text not null,
      month text not null,
      status text not null,
      versions integer not null,
      rows jsonb not null,
      first_submitted_at timestamptz,
      last_submitted_at timestamptz,
      days_late integer,
      affects_funding boolean not null default false,
      separate_kg bigint not null default 0,
      unsorted_kg bigint not null default 0,
      neutral_kg bigint not null default 0,
      unlock_reason text,
      unlock_requested_at timestamptz,
      primary key (istat_code, month)
    )`.execute(db);
  await sql`create index waste_flows_month_idx on waste_flows (month, status)`.execute(db);
  await sql`create index waste_flows_unlock_idx on waste_flows (status) where status = 'unlock-requested'`.execute(
    db,
  );
  // The officer's address as the unlock mails know it (projections/observatoryMails).
  await sql`
    create table observatory_mail_officers (
      istat_code text primary key,
      email text not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table observatory_mail_officers`.execute(db);
  await sql`drop table waste_flows`.execute(db);
  await sql`drop table observatory_admins`.execute(db);
  await sql`drop table observatory_officers`.execute(db);
}
