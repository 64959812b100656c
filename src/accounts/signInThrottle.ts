import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.js';
import { hitRateLimit, readRateLimit, takeHits, undoHit } from '../platform/http/rateLimit.js';

/*
 * Login limits as OWASP ASVS (V2.2.1) asks. Only failures count: an office behind one address
 * logs in as often as it likes. After four failures in a row a username waits before each next
 * try, twice as long each time (30 s, 1 min, 2 min … up to 15 min), counted from the last
 * failure: an attacker can slow an account down but not lock its owner out, who is also mailed a
 * link that lets their browser through. An address that fails with many different usernames (a
 * spray) is held back whatever the usernames.
 *
 * Each attempt is counted as a failure before its password is checked, and given back if it was
 * held or right: attempts sent in parallel cannot all pass the limits together.
 */
const freeFailures = 4;
const firstWaitSeconds = 30;
const longestWaitSeconds = 15 * 60;
/** Failures are remembered until a good password, or a month. */
const failureMemory = { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 30 * 24 * 3600 };
/** Usernames that failed from one address within the window, before the address waits. */
const spray = { limit: 20, windowSeconds: 15 * 60 };

/**
 * One client for the address limits: an IPv4 address, or the IPv6 /64 a subscriber is usually
 * given (otherwise a sprayer would walk its own /64, one address per attempt).
 */
export function clientNetwork(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}

const failuresKey = (username: string) => `login:failures:${username.toLowerCase()}`;
const sprayKey = (ip: string) => `login:spray:${clientNetwork(ip)}`;
const pairKey = (ip: string, username: string) =>
  `login:pair:${clientNetwork(ip)}:${username.toLowerCase()}`;

/** How long a username waits after this many failures in a row. */
export const waitAfter = (failures: number): number =>
  failures <= freeFailures
    ? 0
    : Math.min(longestWaitSeconds, firstWaitSeconds * 2 ** (failures - freeFailures - 1));

export interface Throttle {
  readonly scope: 'account' | 'address';
  readonly retryAfterSeconds: number;
}

/** An attempt counted ahead: held back, or to be settled once its password is checked. */
export interface Attempt {
  readonly throttle: Throttle | null;
  /** A good password: the counting is taken back; returns the failures before it. */
  succeeded(): Promise<number>;
}

const secondsUntil = (at: number, now: Date) => Math.max(1, Math.ceil((at - now.getTime()) / 1000));

/**
 * Counts the attempt against the address and the username, then says whether it must wait.
 * `passed`: the owner's browser carries an unlock pass for this username's account.
 */
export async function beginAttempt(
  db: Kysely<Schema>,
  ip: string,
  username: string,
  now: Date,
  passed: boolean,
): Promise<Attempt> {
  const pair = await hitRateLimit(db, pairKey(ip, username), { ...spray, limit: 1 }, now);
  const newPair = pair.hits === 1;
  const sprayHit = newPair ? await hitRateLimit(db, sprayKey(ip), spray, now) : null;
  const sprayed = sprayHit ?? (await readRateLimit(db, sprayKey(ip), spray.windowSeconds, now));
  const failures = await hitRateLimit(db, failuresKey(username), failureMemory, now);
  /** The address's count is this username's only while it is held or failing. */
  const releaseAddress = async () => {
    if (!sprayHit) return;
    await undoHit(db, sprayKey(ip), sprayHit.previousHitAt);
    await takeHits(db, pairKey(ip, username));
  };

  const sprayBefore = sprayHit ? sprayHit.hits - 1 : sprayed.hits;
  const sprayEnds = sprayed.resetsAt?.getTime() ?? now.getTime();
  const wait = passed ? 0 : waitAfter(failures.hits - 1);
  const waitEnds = (failures.previousHitAt?.getTime() ?? 0) + wait * 1000;
  const throttle: Throttle | null =
    sprayBefore >= spray.limit
      ? { scope: 'address', retryAfterSeconds: secondsUntil(sprayEnds, now) }
      : wait > 0 && waitEnds > now.getTime()
        ? { scope: 'account', retryAfterSeconds: secondsUntil(waitEnds, now) }
        : null;
  if (throttle) {
    await undoHit(db, failuresKey(username), failures.previousHitAt);
    await releaseAddress();
  }
  return {
    throttle,
    succeeded: async () => {
      await releaseAddress();
      return (await takeHits(db, failuresKey(username))) - 1;
    },
  };
}

/**
 * Refused attempts are recorded as they are counted in each minute: the 1st, the 10th, the 100th
 * … of an address (or of a username from it), each event saying how many so far.
 */
export async function refusalToRecord(
  db: Kysely<Schema>,
  ip: string,
  username: string,
  throttle: Throttle,
  now: Date,
): Promise<number | null> {
  const key =
    throttle.scope === 'address'
      ? `login:refused:${clientNetwork(ip)}`
      : `login:refused:${clientNetwork(ip)}:${username.toLowerCase()}`;
  const { hits } = await hitRateLimit(db, key, { limit: 1, windowSeconds: 60 }, now);
  return Number.isInteger(Math.log10(hits)) ? hits : null;
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
