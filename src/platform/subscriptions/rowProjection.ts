import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { RecordedEvent } from '../eventStore/eventStore.js';
import type { Projection } from './projection.js';

export interface RowProjectionSpec<Row> {
  readonly name: string;
  /** The row an event belongs to; null when the projection ignores it. */
  keyOf(event: RecordedEvent): string | null;
  /** Pure: the row after the event (unchanged when the event does not concern it). */
  evolve(row: Row | undefined, event: RecordedEvent): Row | undefined;
  load(trx: Transaction<Schema>, keys: readonly string[]): Promise<Map<string, Row>>;
  save(trx: Transaction<Schema>, rows: readonly Row[]): Promise<void>;
  reset(trx: Transaction<Schema>): Promise<void>;
}

/**
 * A read model with one row per key: per batch, one query loads the rows the events touch, the
 * pure `evolve` folds the events in memory, one statement writes the rows back.
 */
export function rowProjection<Row>(spec: RowProjectionSpec<Row>): Projection {
  return {
    name: spec.name,
    async apply(trx, events) {
      const keyed = events.flatMap((event) => {
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
    reset: (trx) => spec.reset(trx),
  };
}
