import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { RecordedEvent } from '../eventStore/eventStore.js';
import type { Projection } from './projection.js';

export interface RowProjectionSpec<Row, Event extends RecordedEvent> {
  readonly name: string;
  /** The events the read model follows, typed as what they are: a stream kind's `holds`. */
  follows(event: RecordedEvent): event is Event;
  /** The row an event belongs to; null when the projection ignores it. */
  keyOf(event: Event): string | null;
  /** Pure: the row after the event (unchanged when the event does not concern it). */
  evolve(row: Row | undefined, event: Event): Row | undefined;
  load(trx: Transaction<Schema>, keys: readonly string[]): Promise<Map<string, Row>>;
  save(trx: Transaction<Schema>, rows: readonly Row[]): Promise<void>;
  /** The table of its rows (Projection.tables). */
  readonly table: keyof Schema;
}

/**
 * A read model with one row per key: per batch, one query loads the rows the events touch, the
 * pure `evolve` folds the events in memory, one statement writes the rows back.
 */
export function rowProjection<Row, Event extends RecordedEvent>(
  spec: RowProjectionSpec<Row, Event>,
): Projection {
  return {
    name: spec.name,
    async apply(trx, events) {
      const keyed = events.flatMap((event) => {
        if (!spec.follows(event)) return [];
        const key = spec.keyOf(event);
        return key === null ? [] : [{ key, event }];
      });
      if (keyed.length === 0) return;
      const rows = await spec.load(trx, [...new Set(keyed.map(({ key }) => key))]);
      const changed = new Set<string>();
      for (const { key, event } of keyed) {
        const row = spec.evolve(rows.get(key), event);
        if (row === undefined) continue;
        rows.set(key, row);
        changed.add(key);
      }
      if (changed.size > 0)
        await spec.save(
          trx,
          [...changed].map((key) => rows.get(key)!),
        );
    },
    tables: [spec.table],
  };
}
