import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.js';
import { clearRateLimit, hitRateLimit, readRateLimit } from '../platform/http/rateLimit.js';

/*
 * Login limits as OWASP ASVS (V2.2.1) asks. Only failures count: an office behind one address
 * logs in as often as it likes. After four failures in a row a username waits before each next
 * try, twice as long each time (30 s, 1 min, 2 min … up to 15 min), counted from the last
 * failure: an attacker can slow an account down but not lock its owner out. An address that fails
 * with many different usernames (a spray) is held back whatever the usernames.
 */
const freeFailures = 4;
const firstWaitSeconds = 30;
const longestWaitSeconds = 15 * 60;
/** Failures are remembered until a good password, or a month. */
const failureMemorySeconds = 30 * 24 * 3600;
/** Usernames that failed from one address within the window, before the address waits. */
const spray = { limit: 20, windowSeconds: 15 * 60 };

const failuresKey = (username: string) => `login:failures:${username.toLowerCase()}`;
const sprayKey = (ip: string) => `login:spray:${ip}`;
const pairKey = (ip: string, username: string) => `login:pair:${ip}:${username.toLowerCase()}`;
const refusedKey = (ip: string, username: string) =>
  `login:refused:${ip}:${username.toLowerCase()}`;

/** How long a username waits after this many failures in a row. */
export const waitAfter = (failures: number): number =>
  failures <= freeFailures
    ? 0
    : Math.min(longestWaitSeconds, firstWaitSeconds * 2 ** (failures - freeFailures - 1));

export interface Throttle {
  readonly scope: 'account' | 'address';
  readonly retryAfterSeconds: number;
}

const secondsUntil = (at: number, now: Date) => Math.ceil((at - now.getTime()) / 1000);

/** Whether this attempt must wait, before its password is even checked; counts nothing. */
export async function throttleOf(
  db: Kysely<Schema>,
  ip: string,
  username: string,
  now: Date,
): Promise<Throttle | null> {
  const [failures, sprayed] = await Promise.all([
    readRateLimit(db, failuresKey(username), failureMemorySeconds, now),
    readRateLimit(db, sprayKey(ip), spray.windowSeconds, now),
  ]);
  if (sprayed.hits >= spray.limit && sprayed.resetsAt) {
    return { scope: 'address', retryAfterSeconds: secondsUntil(sprayed.resetsAt.getTime(), now) };
  }
  const wait = waitAfter(failures.hits);
  const waitEnds = (failures.lastHitAt?.getTime() ?? 0) + wait * 1000;
  return wait > 0 && waitEnds > now.getTime()
    ? { scope: 'account', retryAfterSeconds: secondsUntil(waitEnds, now) }
    : null;
}

/** A wrong password or an unknown username: one more failure for it, and for the address. */
export async function countFailure(
  db: Kysely<Schema>,
  ip: string,
  username: string,
  now: Date,
): Promise<void> {
  const forever = { limit: Number.MAX_SAFE_INTEGER, windowSeconds: failureMemorySeconds };
  await hitRateLimit(db, failuresKey(username), forever, now);
  // The address's count is of usernames: the same one failing again is not a spray.
  const pair = await hitRateLimit(db, pairKey(ip, username), { ...spray, limit: 1 }, now);
  if (pair.hits === 1) await hitRateLimit(db, sprayKey(ip), spray, now);
}

/** Refused attempts are recorded once a minute per address and username; the rest are counted. */
export async function firstRefusalThisMinute(
  db: Kysely<Schema>,
  ip: string,
  username: string,
  now: Date,
): Promise<boolean> {
  const hit = await hitRateLimit(
    db,
    refusedKey(ip, username),
    { limit: 1, windowSeconds: 60 },
    now,
  );
  return hit.hits === 1;
}

/** The owner of a held-back account gets the unlock link at most once an hour. */
export async function firstUnlockMailThisHour(
  db: Kysely<Schema>,
  accountId: string,
  now: Date,
): Promise<boolean> {
  const key = `login:unlock-mail:${accountId}`;
  return (await hitRateLimit(db, key, { limit: 1, windowSeconds: 3600 }, now)).hits === 1;
}

/** A good password: the failures since the last one, which the login reports, then forgets. */
export async function clearFailures(
  db: Kysely<Schema>,
  username: string,
  now: Date,
): Promise<number> {
  const { hits } = await readRateLimit(db, failuresKey(username), failureMemorySeconds, now);
  await clearRateLimit(db, failuresKey(username));
  return hits;
}
