import type { SubscriberKind } from '../platform/subscriptions/projection.js';
import { singleStream } from '../../domain/shared/streamCodec.js';
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { formatPosition } from '../platform/eventStore/globalPosition.js';
import type {
  ProjectionRunner,
  ProjectionState,
} from '../platform/subscriptions/projectionRunner.js';

/** Where operators' requests about the machinery (a rebuild) are recorded, with who and why. */
export const operationsStream = singleStream<ProjectionRebuildRequested>('audit-operations');

export interface ProjectionRebuildRequested {
  readonly type: 'ProjectionRebuildRequested';
  readonly data: {
    readonly rebuildId: string;
    readonly projection: string;
    readonly reason: string;
  };
}

export interface ProjectionRow {
  readonly name: string;
  readonly kind: SubscriberKind;
  readonly state: ProjectionState | 'rebuilding';
  readonly checkpoint: string;
  /** Events in the log after the checkpoint; null when the log is not in this database. */
  readonly lag: number | null;
  readonly failure: {
    readonly message: string;
    readonly streamId: string;
    readonly version: number;
    readonly eventType: string;
    readonly at: Date;
  } | null;
}

/**
 * Each projection as the runner sees it, with its lag counted in events: the log's events after
 * its checkpoint, whether or not the projection could read them yet.
 */
export async function projectionStatuses(
  deps: { projections: ProjectionRunner; eventStore: EventStore; database: Database },
  rebuilding: string | null,
): Promise<ProjectionRow[]> {
  const rows: ProjectionRow[] = [];
  for (const status of deps.projections.status()) {
    rows.push({
      name: status.name,
      kind: status.kind,
      state: status.name === rebuilding ? 'rebuilding' : status.state,
      checkpoint: formatPosition(status.checkpoint),
      lag: deps.eventStore.chain ? await eventsAfter(deps.database, status.checkpoint) : null,
      failure: status.failure,
    });
  }
  return rows;
}

async function eventsAfter(
  database: Database,
  checkpoint: { commit: bigint; prepare: bigint },
): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(*) as count from events
    where (tx_id, position) > (${checkpoint.commit.toString()}::xid8, ${checkpoint.prepare.toString()}::bigint)`.execute(
    database.db,
  );
  return Number(rows[0]?.count ?? 0);
}
