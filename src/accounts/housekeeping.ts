import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../deps.js';
import type { Schema } from '../platform/db/schema.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';
import { erasePastRetention } from './personalDataRetention.js';

/** Longer than the longest window a counter keeps (a username's failures: 30 days). */
const idleCounterDays = 31;
/** Ended sessions are kept a while for the account's own questions («was that me?»), then go. */
const endedSessionDays = 30;
const everyMs = 6 * 3_600_000;

/**
 * Operational rows that no longer decide anything: rate-limit counters idle past every window
 * (a spray from many addresses leaves one row per address and username) and sessions ended long
 * ago. The legal record is the event log, which keeps every sign-in and refusal.
 */
export async function forgetStaleRows(
  db: Kysely<Schema>,
  now: Date,
): Promise<{ counters: number; sessions: number }> {
  const day = 86_400_000;
  const counters = await db
    .deleteFrom('rate_limits')
    .where(
      sql<Date>`coalesce(last_hit_at, window_started_at)`,
      '<',
      new Date(now.getTime() - idleCounterDays * day),
    )
    .executeTakeFirst();
  const sessions = await db
    .deleteFrom('sessions')
    .where(
      sql<Date>`coalesce(revoked_at, expires_at)`,
      '<',
      new Date(now.getTime() - endedSessionDays * day),
    )
    .executeTakeFirst();
  return {
    counters: Number(counters.numDeletedRows),
    sessions: Number(sessions.numDeletedRows),
  };
}

/**
 * Runs the sweeps at start and every six hours: stale rows, and the persons whose retention is
 * over (personalDataRetention.ts). A failed sweep is logged and tried next time.
 */
export function startHousekeeping(
  deps: { readonly db: Kysely<Schema>; readonly store: EventStore; readonly clock: Clock },
  logger: Pick<FastifyBaseLogger, 'info' | 'warn'>,
): { stop(): void } {
  const sweep = async () => {
    try {
      const forgotten = await forgetStaleRows(deps.db, deps.clock());
      if (forgotten.counters + forgotten.sessions > 0)
        logger.info(forgotten, 'Stale rows forgotten');
      const erased = await erasePastRetention(deps, deps.clock());
      if (erased > 0) logger.info({ erased }, 'Personal data past retention erased');
    } catch (error) {
      logger.warn({ err: error }, 'Housekeeping failed');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
