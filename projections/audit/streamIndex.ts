import type { Selectable } from 'kysely';
import type { StreamIndexTable } from '../../src/platform/db/schema.js';
import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import { everyEvent, rowProjection } from '../../src/platform/subscriptions/rowProjection.js';
import { upsertRows } from '../../src/platform/subscriptions/readModelRows.js';

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

export const streamIndexProjection = rowProjection({
  name: 'stream_index',
  follows: everyEvent,
  keyOf: (event) => event.streamId,
  evolve: evolveStreamIndex,
  async load(trx, keys) {
    const rows = await trx
      .selectFrom('stream_index')
      .selectAll()
      .where('stream_id', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.stream_id, fromTableRow(row)]));
  },
  save: (trx, rows) => upsertRows(trx, 'stream_index', ['stream_id'], rows.map(toTableRow)),
  table: 'stream_index',
});

const toTableRow = (row: StreamIndexRow) => ({
  stream_id: row.streamId,
  category: row.category,
  version: row.version,
  first_event_at: row.firstEventAt,
  last_event_at: row.lastEventAt,
  last_event_type: row.lastEventType,
});

const fromTableRow = (row: Selectable<StreamIndexTable>): StreamIndexRow => ({
  streamId: row.stream_id,
  category: row.category,
  version: row.version,
  firstEventAt: row.first_event_at.toISOString(),
  lastEventAt: row.last_event_at.toISOString(),
  lastEventType: row.last_event_type,
});
