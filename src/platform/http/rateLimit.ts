import { sql, type Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';

export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * Counts one hit on `key` in a fixed window kept in the database, so every process of the portal
 * shares it. Returns whether this hit is within the limit and, if not, when to retry.
 */
export async function hitRateLimit(
  db: Kysely<Schema>,
  key: string,
  rule: RateLimitRule,
  now: Date,
): Promise<{
  allowed: boolean;
  retryAfterSeconds: number;
  hits: number;
  /** The hit before this one, in this window; null for the window's first. */
  previousHitAt: Date | null;
  resetsAt: Date;
}> {
  const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
  // The update reads the row it has locked: concurrent hits each see the one before them.
  const { rows } = await sql<{
    hits: number;
    window_started_at: Date;
    previous_hit_at: Date | null;
  }>`
    insert into rate_limits (key, window_started_at, hits, last_hit_at) values (${key}, ${now}, 1, ${now})
    on conflict (key) do update set
      hits = case when rate_limits.window_started_at <= ${windowStart} then 1 else rate_limits.hits + 1 end,
      previous_hit_at = case when rate_limits.window_started_at <= ${windowStart} then null else rate_limits.last_hit_at end,
      window_started_at = case when rate_limits.window_started_at <= ${windowStart} then ${now} else rate_limits.window_started_at end,
      last_hit_at = ${now}
    returning hits, window_started_at, previous_hit_at`.execute(db);
  const row = rows[0]!;
  const resetsAt = new Date(row.window_started_at.getTime() + rule.windowSeconds * 1000);
  return {
    allowed: row.hits <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000)),
    hits: row.hits,
    previousHitAt: row.previous_hit_at,
    resetsAt,
  };
}

/** Takes back a hit that was counted ahead and turned out not to count. */
export async function undoHit(
  db: Kysely<Schema>,
  key: string,
  previousHitAt: Date | null,
): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ hits: eb('hits', '-', 1), last_hit_at: previousHitAt }))
    .where('key', '=', key)
    .where('hits', '>', 0)
    .execute();
}

/** Forgets `key` and says how many hits it had. */
export async function takeHits(db: Kysely<Schema>, key: string): Promise<number> {
  const row = await db
    .deleteFrom('rate_limits')
    .where('key', '=', key)
    .returning('hits')
    .executeTakeFirst();
  return row?.hits ?? 0;
}

/** The hits on `key` in its current window, and when it ends, without counting one. */
export async function readRateLimit(
  db: Kysely<Schema>,
  key: string,
  windowSeconds: number,
  now: Date,
): Promise<{ hits: number; resetsAt: Date | null }> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['hits', 'window_started_at'])
    .where('key', '=', key)
    .where('window_started_at', '>', new Date(now.getTime() - windowSeconds * 1000))
    .executeTakeFirst();
  if (!row) return { hits: 0, resetsAt: null };
  const resetsAt = new Date(row.window_started_at.getTime() + windowSeconds * 1000);
  return { hits: row.hits, resetsAt };
}
