import { sql, type Kysely } from 'kysely';

/*
 * The rows of a month's last submitted version, apart from `rows` (what the form holds, a draft
 * again after an unlock): the open data's detail publishes only what was submitted. Months
 * submitted before this migration take them from the log, or from its copy with KurrentDB.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table waste_flows add column submitted_rows jsonb not null default '[]'`.execute(
    db,
  );
  await sql`
    update waste_flows w set submitted_rows = coalesce((
      select (e.data -> 'rows')::jsonb from (
        select data, version from events
        where stream_id = 'waste-flow-' || w.istat_code || '-' || w.month
          and type = 'MonthlyFlowSubmitted'
        union all
        select data, version from event_log_copy
        where stream_id = 'waste-flow-' || w.istat_code || '-' || w.month
          and type = 'MonthlyFlowSubmitted') as e
      order by e.version desc limit 1), '[]')
    where w.versions > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table waste_flows drop column submitted_rows`.execute(db);
}
