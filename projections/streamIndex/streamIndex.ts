import type { Selectable } from 'kysely';
import type { StreamIndexTable } from '../../src/db/schema.js';
import type { RecordedEvent } from '../../src/eventStore/eventStore.js';
import type { Projection } from '../../src/projections/projection.js';

/** One row per stream: what the auditors' stream list shows. */
export interface StreamIndexRow {
  readonly streamId: string;
  readonly category: string;
  readonly version: number;
  readonly firstEventAt: string;
  readonly lastEventAt: string;
  readonly lastEventType: string;
}

/** "declaration-2026-123" belongs to the category "declaration". */
export const categoryOf = (streamId: string): string => streamId.split('-', 1)[0] ?? streamId;

export function evolveStreamIndex(
  row: StreamIndexRow | undefined,
  event: RecordedEvent,
): StreamIndexRow {
  return {
    streamId: event.streamId,
    category: categoryOf(event.streamId),
    version: event.version,
    firstEventAt: row?.firstEventAt ?? event.metadata.recordedAt,
    lastEventAt: event.metadata.recordedAt,
    lastEventType: event.type,
  };
}

export const streamIndexProjection: Projection = {
  name: 'stream_index',
  async apply(trx, events) {
    const known = await trx
      .selectFrom('stream_index')
      .selectAll()
      .where('stream_id', 'in', [...new Set(events.map((event) => event.streamId))])
      .execute();
    const rows = new Map(known.map((row) => [row.stream_id, fromTableRow(row)]));
    for (const event of events) {
      rows.set(event.streamId, evolveStreamIndex(rows.get(event.streamId), event));
    }
    await trx
      .insertInto('stream_index')
      .values([...rows.values()].map(toTableRow))
      .onConflict((oc) =>
        oc.column('stream_id').doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          last_event_at: eb.ref('excluded.last_event_at'),
          last_event_type: eb.ref('excluded.last_event_type'),
        })),
      )
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('stream_index').execute();
  },
};

const toTableRow = (row: StreamIndexRow) =>
  ({
    stream_id: row.streamId,
    category: row.category,
    version: row.version,
    first_event_at: row.firstEventAt,
    last_event_at: row.lastEventAt,
    last_event_type: row.lastEventType,
  }) satisfies { [K in keyof StreamIndexTable]: unknown };

function fromTableRow(row: Selectable<StreamIndexTable>): StreamIndexRow {
  return {
    streamId: row.stream_id,
    category: row.category,
    version: row.version,
    firstEventAt: row.first_event_at.toISOString(),
    lastEventAt: row.last_event_at.toISOString(),
    lastEventType: row.last_event_type,
  };
}
