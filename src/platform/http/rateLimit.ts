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
): Promise<{ allowed: boolean; retryAfterSeconds: number; hits: number }> {
  const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
  const { rows } = await sql<{ hits: number; window_started_at: Date }>`
    insert into rate_limits (key, window_started_at, hits, last_hit_at) values (${key}, ${now}, 1, ${now})
    on conflict (key) do update set
      hits = case when rate_limits.window_started_at <= ${windowStart} then 1 else rate_limits.hits + 1 end,
      window_started_at = case when rate_limits.window_started_at <= ${windowStart} then ${now} else rate_limits.window_started_at end,
      last_hit_at = ${now}
    returning hits, window_started_at`.execute(db);
  const row = rows[0]!;
  const resetsAt = row.window_started_at.getTime() + rule.windowSeconds * 1000;
  return {
    allowed: row.hits <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now.getTime()) / 1000)),
    hits: row.hits,
  };
}

/** The hits on `key` in its current window, and the last one's time, without counting one. */
export async function readRateLimit(
  db: Kysely<Schema>,
  key: string,
  windowSeconds: number,
  now: Date,
): Promise<{ hits: number; lastHitAt: Date | null; resetsAt: Date | null }> {
  const row = await db
    .selectFrom('rate_limits')
    .select(['hits', 'last_hit_at', 'window_started_at'])
    .where('key', '=', key)
    .where('window_started_at', '>', new Date(now.getTime() - windowSeconds * 1000))
    .executeTakeFirst();
  if (!row) return { hits: 0, lastHitAt: null, resetsAt: null };
  const resetsAt = new Date(row.window_started_at.getTime() + windowSeconds * 1000);
  return { hits: row.hits, lastHitAt: row.last_hit_at, resetsAt };
}

/** A successful login clears the account's failures. */
export async function clearRateLimit(db: Kysely<Schema>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}
