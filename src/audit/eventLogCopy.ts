import { sql } from 'kysely';
import { storedData, type EventStore } from '../platform/eventStore/eventStore.js';
import type { Projection, Subscriber } from '../platform/subscriptions/projection.js';
import { auditLogOf } from './auditLog.js';

/**
 * Every event of the log, copied as it is (stream, version, position, type, data, metadata,
 * hash) into event_log_copy (migrations/0014), for an event store whose events are not in this
 * database (KurrentDB): the auditor section's search, export and permalinks read the copy there
 * (auditLog.ts). Idempotent: a replayed event is already there and is left as it is. The copy is
 * a read model like the others: a rebuild empties it and copies the log again; the hash chain
 * is always verified on the store's own events.
 */
export const eventLogCopyProjection: Projection = {
  name: 'event_log_copy',
  verbatim: true,
  async apply(trx, events) {
    if (events.length === 0) return;
    const rows = events.map(
      (event) =>
        sql`(${event.position.commit.toString()}::xid8, ${event.position.prepare.toString()}::bigint,
          ${event.streamId}, ${event.version}, ${event.metadata.eventId}::uuid, ${event.type},
          ${JSON.stringify(storedData(event))}::json, ${JSON.stringify(event.metadata)}::json,
          ${Buffer.from(event.hash, 'hex')})`,
    );
    // Nine parameters an event: a batch of 5,000 (a rebuild's) stays under PostgreSQL's 65,535.
    await sql`
      insert into event_log_copy
        (tx_id, position, stream_id, version, event_id, type, data, metadata, hash)
      values ${sql.join(rows)}
      on conflict do nothing`.execute(trx);
  },
  tables: ['event_log_copy'],
};

/** The copy's projection, when the store's events are elsewhere; none for the PostgreSQL store. */
export const eventLogCopyFor = (store: EventStore): Subscriber[] =>
  auditLogOf(store).table === 'event_log_copy' ? [eventLogCopyProjection] : [];
