import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { EventMetadata, JsonObject } from '../eventStore/eventStore.js';

/** Tables as the application reads them. Migrations in migrations/ are the source of truth. */
export interface Schema {
  events: EventsTable;
  streams: StreamsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  stream_index: StreamIndexTable;
}

export interface EventsTable {
  position: Generated<string>;
  tx_id: Generated<string>;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: JSONColumnType<JsonObject>;
  metadata: JSONColumnType<EventMetadata>;
  hash: Buffer;
}

export interface StreamsTable {
  stream_id: string;
  version: number;
  last_hash: Buffer;
}

export interface ProjectionCheckpointsTable {
  name: string;
  commit_position: ColumnType<string, string | bigint, string | bigint>;
  prepare_position: ColumnType<string, string | bigint, string | bigint>;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}

export interface StreamIndexTable {
  stream_id: string;
  category: string;
  version: number;
  first_event_at: ColumnType<Date, string, string>;
  last_event_at: ColumnType<Date, string, string>;
  last_event_type: string;
}
