import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Uploaded files and copies of record, addressed by their SHA-256; events carry the hash.
  await sql`
    create table documents (
      sha256 text primary key,
      content bytea not null,
      size integer not null,
      content_type text not null,
      stored_at timestamptz not null
    )`.execute(db);
  // Read model of the campaign streams (projections/campaigns).
  await sql`
    create table campaigns (
      year integer primary key,
      deadline text not null,
      template_version text not null,
      settings jsonb not null,
      opened_at timestamptz not null,
      opened_by text not null
    )`.execute(db);
  // Read model of the declarations in the contract streams (projections/declarations).
  await sql`
    create table declarations (
      contract_number text not null,
      year integer not null,
      customer_code text not null,
      company_name text not null,
      status text not null check (status in ('draft', 'submitted')),
      prepared_by text,
      prepared_at timestamptz,
      submitted_by text,
      signatory_name text,
      submitted_at timestamptz,
      late boolean not null default false,
      protocol_number text,
      copy_of_record_sha256 text,
      notification_email text not null,
      discharged_volume double precision not null,
      files jsonb not null,
      warnings jsonb not null,
      warnings_acknowledged boolean not null default false,
      primary key (contract_number, year)
    )`.execute(db);
  await sql`create index declarations_year_idx on declarations (year, status)`.execute(db);
  await sql`create unique index declarations_protocol_idx on declarations (protocol_number)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table declarations`.execute(db);
  await sql`drop table campaigns`.execute(db);
  await sql`drop table documents`.execute(db);
}
