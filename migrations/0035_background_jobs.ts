import { sql, type Kysely } from 'kysely';

/*
 * The auditor section's long jobs (a whole-log verification, a read model's rebuild) as every
 * portal process sees them: the process running one writes its progress here, so a page polled
 * on another process follows it, and one of a kind runs at a time across all of them. A job
 * whose heartbeat stopped (its process killed) shows as interrupted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table background_jobs (
      id uuid primary key,
      kind text not null,
      subject text not null,
      started_by text not null,
      started_at timestamptz not null,
      state text not null check (state in ('running', 'done', 'failed')),
      processed bigint not null default 0,
      total bigint,
      elapsed_ms bigint not null default 0,
      finished_at timestamptz,
      error text,
      heartbeat_at timestamptz not null
    )`.execute(db);
  await sql`
    create unique index background_jobs_one_running on background_jobs (kind)
    where state = 'running'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table background_jobs`.execute(db);
}
