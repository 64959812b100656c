import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Read model of the digital-identity streams (projections/observatory/digitalIdentities.ts): who logged in
  // with SPID/CIE, by fiscal code, with the names the identity provider last gave.
  await sql`
    create table digital_identities (
      fiscal_code text primary key,
      given_name text not null,
      family_name text not null,
      email text,
      issuer text not null,
      first_login_at timestamptz not null,
      last_login_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table digital_identities`.execute(db);
}
