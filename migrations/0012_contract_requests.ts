import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What waits for an operator besides a new contract: an owner to confirm, a number to change.
  await sql`
    alter table contracts
      add column owner_request jsonb,
      add column number_change jsonb,
      add column renumbered_to text,
      add column renumbered_from text`.execute(db);
  await sql`create index contracts_owner_request_idx on contracts ((owner_request->>'accountId'))`.execute(
    db,
  );

  // The invitation process manager's own memory, kept in log order: which contracts each customer
  // code has, which account the utility invited for it (src/contracts/invitedCompanyContracts.ts).
  await sql`
    create table invitation_customer_contracts (
      customer_code text not null,
      contract_number text not null,
      primary key (customer_code, contract_number)
    )`.execute(db);
  await sql`
    create table invitation_companies (
      customer_code text primary key,
      account_id text not null
    )`.execute(db);
  // It used to read the contracts view: from the start of the log it fills its own tables (its
  // commands are idempotent, so the replay adds nothing that is already there).
  await sql`delete from projection_checkpoints where name = 'invited_company_contracts'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table invitation_companies`.execute(db);
  await sql`drop table invitation_customer_contracts`.execute(db);
  await sql`drop index contracts_owner_request_idx`.execute(db);
  await sql`
    alter table contracts
      drop column owner_request,
      drop column number_change,
      drop column renumbered_to,
      drop column renumbered_from`.execute(db);
}
