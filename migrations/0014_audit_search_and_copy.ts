import { sql, type Kysely } from 'kysely';

/*
 * The auditors' search (src/audit/historySearch.ts), measured on 315,000 events with EXPLAIN
 * ANALYZE; test/audit/searchPlans.int.test.ts checks the plans on a smaller log built the same way:
 * - a time range read in the log's order scanned every newer event before reaching an old range
 *   (1,073 ms, 212,641 rows removed by the filter, newest first). A ranged page is now read in its
 *   time's order from (time, tx_id, position): one index range whatever the range (1.7 ms);
 * - a stream prefix whose streams sit at the other end of the log did the same (246 ms, 300,000
 *   rows removed). After a bounded read in the log's order (the common case: matches nearby),
 *   (stream_id, tx_id, position) gives every match's position from the index alone, sorted
 *   (14.5 ms for 15,000 matches; about 0.5 µs a match, 76 ms for 150,000).
 * The single-column indexes of 0009 these extend are dropped: the new ones serve their queries.
 *
 * event_log_copy: with KurrentDB as the event store, the auditor section reads a copy of every
 * event kept here by the event_log_copy projection (src/audit/eventLogCopy.ts): the columns of
 * `events` (json, as 0010 made them: an export writes the text as stored), tx_id holding the
 * commit position and position the prepare position, with the same indexes. Never written to
 * with the PostgreSQL store, whose `events` the section reads directly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index events_occurred_order_idx on events (((metadata ->> 'occurredAt')), tx_id, position)`.execute(
    db,
  );
  await sql`create index events_recorded_order_idx on events (((metadata ->> 'recordedAt')), tx_id, position)`.execute(
    db,
  );
  await sql`create index events_stream_prefix_order_idx on events (stream_id text_pattern_ops, tx_id, position)`.execute(
    db,
  );
  await sql`drop index events_occurred_at_idx`.execute(db);
  await sql`drop index events_stream_prefix_idx`.execute(db);

  await sql`
    create table event_log_copy (
      tx_id xid8 not null,
      position bigint not null,
      stream_id text not null,
      version integer not null,
      event_id uuid not null,
      type text not null,
      data json not null,
      metadata json not null,
      hash bytea not null,
      primary key (tx_id, position),
      constraint event_log_copy_stream_version_key unique (stream_id, version)
    )`.execute(db);
  for (const index of [
    sql`create index event_log_copy_event_id_idx on event_log_copy (event_id)`,
    sql`create index event_log_copy_type_idx on event_log_copy (type, tx_id, position)`,
    sql`create index event_log_copy_actor_idx on event_log_copy (((metadata -> 'actor' ->> 'id')), tx_id, position)`,
    sql`create index event_log_copy_correlation_idx on event_log_copy (((metadata ->> 'correlationId')), tx_id, position)`,
    sql`create index event_log_copy_causation_idx on event_log_copy (((metadata ->> 'causationId')))`,
    sql`create index event_log_copy_occurred_order_idx on event_log_copy (((metadata ->> 'occurredAt')), tx_id, position)`,
    sql`create index event_log_copy_recorded_order_idx on event_log_copy (((metadata ->> 'recordedAt')), tx_id, position)`,
    sql`create index event_log_copy_stream_prefix_order_idx on event_log_copy (stream_id text_pattern_ops, tx_id, position)`,
  ]) {
    await index.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table event_log_copy`.execute(db);
  await sql`create index events_stream_prefix_idx on events (stream_id text_pattern_ops)`.execute(
    db,
  );
  await sql`create index events_occurred_at_idx on events (((metadata ->> 'occurredAt')))`.execute(
    db,
  );
  for (const index of [
    'events_stream_prefix_order_idx',
    'events_recorded_order_idx',
    'events_occurred_order_idx',
  ]) {
    await sql`drop index ${sql.id(index)}`.execute(db);
  }
}
