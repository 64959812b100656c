import { sql, type Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Schema } from '../../src/platform/db/schema.js';
import type { EventStore, JsonObject, NewEvent } from '../../src/platform/eventStore/eventStore.js';
import { comparePositions } from '../../src/platform/eventStore/globalPosition.js';

/** An event as a command handler would append it, with complete metadata. */
export function newEvent(
  type: string,
  data: JsonObject = {},
  eventId: string = randomUUID(),
): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId,
      correlationId: randomUUID(),
      causationId: null,
      actor: { id: 'account-test', role: 'declarant' },
      clientIp: '203.0.113.7',
      occurredAt: '2026-11-23T10:00:00.000Z',
    },
  };
}

export const uniqueStream = (category = 'test'): string => `${category}-${randomUUID()}`;

/**
 * Waits until every event in the database can be read by the global read. On a PostgreSQL server
 * that other tests share, a commit stays out of reach while an older transaction is open anywhere
 * (the read stops at the snapshot's xmin, which is cluster-wide): a rebuild started at once could
 * end before it.
 */
export async function untilLogReadable(db: Kysely<Schema>, store: EventStore): Promise<void> {
  const last = await db
    .selectFrom('events')
    .select(['tx_id', 'position'])
    .orderBy('events.tx_id', 'desc')
    .orderBy('events.position', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return;
  const target = { commit: BigInt(last.tx_id), prepare: BigInt(last.position) };
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const head = await store.headPosition();
    if (head && comparePositions(head, target) >= 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('The last events did not become readable within 10 s');
}

/**
 * The rows of `test_counts (stream_id, n)`, the events a test projection counted per stream: an
 * event applied twice, or missed, shows as a wrong count.
 */
export const countsPerStream = async (db: Kysely<Schema>) =>
  (
    await sql<{
      stream_id: string;
      n: number;
    }>`select stream_id, n from test_counts order by stream_id`.execute(db)
  ).rows;
