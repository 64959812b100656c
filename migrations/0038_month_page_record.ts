import { sql, type Kysely } from 'kysely';

/*
 * What the month's page shows beside the month, in its row: each version submitted (number, when,
 * by whom, how late; the rows of each stay in the log, where the version's own page reads them)
 * and the Region's last send-back. The page read the month's stream for them on every view, a
 * stream that grows with every draft saved. Months filed before this migration take them from the
 * log, or from its copy with KurrentDB; an event the read model applies again after (its
 * checkpoint behind the log) lists its version once. Stop every process of the earlier version
 * before migrating: one still running would write rows without them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table waste_flows
    add column submitted_versions jsonb not null default '[]',
    add column region_return jsonb`.execute(db);
  // The month's events of one type, from the log and from its copy.
  const history = (type: string) => sql`(
    select version, data, metadata from events
    where stream_id = 'waste-flow-' || w.istat_code || '-' || w.month and type = ${type}
    union all
    select version, data, metadata from event_log_copy
    where stream_id = 'waste-flow-' || w.istat_code || '-' || w.month and type = ${type})`;
  await sql`
    update waste_flows w set
      submitted_versions = coalesce((
        select jsonb_agg(jsonb_build_object(
            'version', (data ->> 'version')::integer,
            'submittedAt', data ->> 'submittedAt',
            'submittedBy', data ->> 'submittedBy',
            'daysLate', (data ->> 'daysLate')::integer) order by version)
        from ${history('MonthlyFlowSubmitted')} as submitted), '[]'),
      region_return = (
        select jsonb_build_object(
            'remarks', data ->> 'remarks',
            'returnedAt', metadata ->> 'occurredAt',
            'resubmitted', exists (
              select 1 from ${history('MonthlyFlowSubmitted')} as later
              where later.version > returned.version))
        from ${history('MonthlyFlowReturned')} as returned
        order by version desc limit 1)
    where w.versions > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table waste_flows drop column submitted_versions, drop column region_return`.execute(
    db,
  );
}
