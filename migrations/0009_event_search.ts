import { sql, type Kysely } from 'kysely';

/*
 * Indexes for the auditors' history search (/revisione) and the timeline's causation links. Each
 * filter that pages in global order carries (tx_id, position) after its key, so a page is one
 * ordered index range read whatever the log's size.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index events_type_idx on events (type, tx_id, position)`.execute(db);
  await sql`
    create index events_actor_idx on events (((metadata -> 'actor' ->> 'id')), tx_id, position)`.execute(
    db,
  );
  await sql`
    create index events_correlation_idx on events (((metadata ->> 'correlationId')), tx_id, position)`.execute(
    db,
  );
  // The events an event caused: few per key, looked up by the timeline for a page of events.
  await sql`create index events_causation_idx on events (((metadata ->> 'causationId')))`.execute(
    db,
  );
  // ISO-8601 UTC strings sort as the instants they name.
  await sql`create index events_occurred_at_idx on events (((metadata ->> 'occurredAt')))`.execute(
    db,
  );
  // Stream id prefixes ("contract-300…") whatever the database's collation.
  await sql`create index events_stream_prefix_idx on events (stream_id text_pattern_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'events_stream_prefix_idx',
    'events_occurred_at_idx',
    'events_causation_idx',
    'events_correlation_idx',
    'events_actor_idx',
    'events_type_idx',
  ]) {
    await sql`drop index ${sql.id(index)}`.execute(db);
  }
}
