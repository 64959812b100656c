import { sql, type Kysely } from 'kysely';

/*
 * People with roles in an organisation. The accounts view gains the organisation and the role;
 * the open invitations get their own view.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts add column organisation_id text, add column member_role text`.execute(
    db,
  );
  await sql`create index accounts_organisation_idx on accounts (organisation_id)`.execute(db);
  // Filled here as the events will say (organisationFounding.ts makes each approved registrant
  // its organisation's administrator): nobody is locked out while that catches up.
  await sql`update accounts set organisation_id = account_id where role = 'declarant'`.execute(db);
  await sql`update accounts set member_role = 'amministratore' where role = 'declarant' and status = 'active'`.execute(
    db,
  );
  await sql`
    create table member_invitations (
      invite_id text primary key,
      organisation_id text not null,
      organisation_name text not null,
      email text not null,
      full_name text not null,
      role text not null,
      invited_by text not null,
      invited_at timestamptz not null,
      expires_at timestamptz not null,
      status text not null
    )`.execute(db);
  await sql`create index member_invitations_organisation_idx on member_invitations (organisation_id, status)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table member_invitations`.execute(db);
  await sql`drop index accounts_organisation_idx`.execute(db);
  await sql`alter table accounts drop column organisation_id, drop column member_role`.execute(db);
}
