import { sql, type Kysely } from 'kysely';

/*
 * The municipalities' API tokens as the log issues and revokes them (stream
 * observatory-api-tokens-<istat>): the SHA-256 of each secret, never the secret. Their last use
 * lives beside them, written by the API itself and not by the log, so a rebuild of the tokens
 * leaves it alone. No such event exists yet, so nothing needs a replay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table observatory_api_tokens (
      key_id uuid primary key,
      istat_code text not null,
      name text not null,
      secret_hash text not null,
      issued_by text not null,
      issued_at timestamptz not null,
      issued_from text,
      revoked_at timestamptz,
      revoked_by text
    )`.execute(db);
  await sql`create unique index observatory_api_tokens_by_hash on observatory_api_tokens (secret_hash)`.execute(
    db,
  );
  await sql`create index observatory_api_tokens_by_municipality on observatory_api_tokens (istat_code, issued_at)`.execute(
    db,
  );
  await sql`
    create table observatory_api_token_uses (
      key_id uuid primary key,
      last_used_at timestamptz not null,
      last_used_from text
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table observatory_api_token_uses`.execute(db);
  await sql`drop table observatory_api_tokens`.execute(db);
}
