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
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
  const { rows } = await sql<{ hits: number; window_started_at: Date }>`
    insert into rate_limits (key, window_started_at, hits) values (${key}, ${now}, 1)
    on conflict (key) do update set
      hits = case when rate_limits.window_started_at <= ${windowStart} then 1 else rate_limits.hits + 1 end,
      window_started_at = case when rate_limits.window_started_at <= ${windowStart} then ${now} else rate_limits.window_started_at end
    returning hits, window_started_at`.execute(db);
  const row = rows[0]!;
  const resetsAt = row.window_started_at.getTime() + rule.windowSeconds * 1000;
  return {
    allowed: row.hits <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now.getTime()) / 1000)),
  };
}

/** A successful login clears the account's failure count. */
export async function clearRateLimit(db: Kysely<Schema>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}
