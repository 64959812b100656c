import { sql, type Kysely } from 'kysely';

/*
 * What the local SPID/CIE stand-in (src/dev/localIdentityProvider.ts) keeps: its keys, and the
 * sessions, interactions, codes and tokens of logins under way. In the database rather than in
 * one process's memory, so that a login begun on one portal process ends on another. Empty where
 * a real provider is configured.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table local_identity_records (
      model text not null,
      id text not null,
      payload jsonb not null,
      grant_id text,
      uid text,
      expires_at timestamptz,
      primary key (model, id)
    )`.execute(db);
  await sql`create index local_identity_records_uid on local_identity_records (model, uid)`.execute(
    db,
  );
  await sql`create index local_identity_records_grant on local_identity_records (grant_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table local_identity_records`.execute(db);
}
