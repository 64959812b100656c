import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Read model of the contract streams (projections/contracts).
  await sql`
    create table contracts (
      contract_number text primary key,
      customer_code text not null,
      company_name text not null,
      plant jsonb not null,
      status text not null,
      owner_account_id text,
      manager_account_id text,
      former_manager_ids jsonb not null default '[]',
      offered_to text,
      declared_at timestamptz not null,
      declared_by text not null,
      decided_at timestamptz,
      decided_by text,
      rejection_reason text
    )`.execute(db);
  // Each contract's manager as the mail reactor knows it (projections/contracts/contractMails.ts).
  await sql`
    create table contract_mail_managers (
      contract_number text primary key,
      manager_id text
    )`.execute(db);
  await sql`create index contracts_manager_idx on contracts (manager_account_id)`.execute(db);
  await sql`create index contracts_owner_idx on contracts (owner_account_id)`.execute(db);
  await sql`create index contracts_status_idx on contracts (status, declared_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table contract_mail_managers`.execute(db);
  await sql`drop table contracts`.execute(db);
}
