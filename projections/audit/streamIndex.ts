import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import type { Projection } from '../../src/platform/subscriptions/projection.js';
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

/**
 * Needs no row read back: a batch's events are folded per stream in memory, and each stream's
 * row is written once, its first event's time and category left as the table has them. (On the
 * 1,000,000-event log of bench:app, reading the rows back was a fifth of this projection's cost.)
 */
export const streamIndexProjection: Projection = {
  name: 'stream_index',
  async apply(trx, events) {
    const rows = new Map<string, StreamIndexRow>();
    for (const event of events)
      rows.set(event.streamId, evolveStreamIndex(rows.get(event.streamId), event));
    await upsertRows(trx, 'stream_index', ['stream_id'], [...rows.values()].map(toTableRow), [
      'category',
      'first_event_at',
    ]);
  },
  tables: ['stream_index'],
};

const toTableRow = (row: StreamIndexRow) => ({
  stream_id: row.streamId,
  category: row.category,
  version: row.version,
  first_event_at: row.firstEventAt,
  last_event_at: row.lastEventAt,
  last_event_type: row.lastEventType,
});
