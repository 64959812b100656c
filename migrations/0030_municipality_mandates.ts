import { sql, type Kysely } from 'kysely';

/*
 * Who else files for a municipality besides its responsible user (observatory_officers): second
 * users by the Region's authorisation and the collector's delegates, kept after they end so the
 * municipality sees who filed what. A session remembers the municipality its person acts for, and
 * a month who submitted its last version (months submitted before this migration take it from the
 * log, or from its copy with KurrentDB).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table observatory_mandates (
      mandate_id text primary key,
      istat_code text not null,
      fiscal_code text not null,
      kind text not null check (kind in ('autorizzato', 'delegato')),
      email text not null,
      granted_at timestamptz not null,
      granted_by text not null,
      reason text not null default '',
      document_reference text,
      expires_on text,
      company text,
      from_month text,
      to_month text,
      ended_at timestamptz,
      ended_by text,
      end_reason text
    )`.execute(db);
  await sql`create index observatory_mandates_person on observatory_mandates (fiscal_code)`.execute(
    db,
  );
  await sql`create index observatory_mandates_municipality on observatory_mandates (istat_code)`.execute(
    db,
  );
  await sql`alter table sessions add column acting_istat text`.execute(db);
  await sql`alter table waste_flows add column submitted_by text`.execute(db);
  await sql`
    update waste_flows w set submitted_by = (
      select e.data ->> 'submittedBy' from (
        select data, version from events
        where stream_id = 'waste-flow-' || w.istat_code || '-' || w.month
          and type = 'MonthlyFlowSubmitted'
        union all
        select data, version from event_log_copy
        where stream_id = 'waste-flow-' || w.istat_code || '-' || w.month
          and type = 'MonthlyFlowSubmitted') as e
      order by e.version desc limit 1)
    where w.versions > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table waste_flows drop column submitted_by`.execute(db);
  await sql`alter table sessions drop column acting_istat`.execute(db);
  await sql`drop table observatory_mandates`.execute(db);
}
