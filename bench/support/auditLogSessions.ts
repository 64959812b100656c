import { accountStream } from '../../domain/accounts/accountDecider.js';
import type { DeclarantKind } from '../../domain/accounts/accountEvents.js';
import type { Actor } from '../../src/platform/eventStore/eventStore.js';
import { emailOf, fakeArgon2Hash, phone, type Person } from './auditLogPeople.js';
import type { Random } from './auditLogRandom.js';
import { days, minutes, type Timeline } from './auditLogTimeline.js';

/** Someone who signs in with a username: a declarant or a member of staff. */
export interface Account {
  readonly accountId: string;
  readonly username: string;
  readonly role: 'declarant' | 'operator' | 'admin' | 'auditor';
  readonly person: Person;
  readonly ip: string;
  email: string;
  /** Days with a session already: a session lasts 8 hours, so one day needs one sign-in. */
  readonly sessions: Set<number>;
}

export interface Declarant extends Account {
  readonly kind: DeclarantKind;
}

export const actorOf = (account: Account): Actor => ({ id: account.accountId, role: account.role });

/** Who acts before signing in (registration, a failed login, a password reset). */
export const visitor: Actor = { id: 'anonymous', role: 'visitor' };

/** A one-time code mailed to `email`, valid 15 minutes. */
export function otpIssued(
  challengeId: string,
  purpose: 'registration' | 'password-reset',
  email: string,
  at: number,
) {
  return {
    type: 'EmailOtpIssued',
    data: {
      challengeId,
      purpose,
      email,
      issuedAt: new Date(at).toISOString(),
      expiresAt: new Date(at + 15 * minutes).toISOString(),
    },
  };
}

/** A visit: a failed attempt now and then, SignedIn, and SignedOut when people remember to. */
export function signIn(timeline: Timeline, random: Random, account: Account, at: number): void {
  const slot = Math.floor(at / days);
  if (account.sessions.has(slot)) return;
  account.sessions.add(slot);
  const stream = `signin-${account.accountId}`;
  let t = at;
  if (random.chance(0.06)) {
    timeline.record(stream, t, timeline.command(visitor, account.ip), [
      { type: 'SignInFailed', data: { username: account.username, reason: 'wrong-password' } },
    ]);
    t += random.int(20, 90) * 1000;
  }
  const actor = actorOf(account);
  timeline.record(stream, t, timeline.command(actor, account.ip), [
    { type: 'SignedIn', data: { username: account.username } },
  ]);
  const length = random.int(10, 90) * minutes;
  if (random.chance(0.3)) {
    timeline.record(stream, t + length, timeline.command(actor, account.ip), [
      { type: 'SignedOut', data: {} },
    ]);
  }
}

/** Outside the campaigns: a forgotten password, a new phone, a new address. */
export function offSeason(
  timeline: Timeline,
  random: Random,
  declarant: Declarant,
  at: number,
): void {
  const stream = accountStream.id(declarant.accountId);
  const ip = declarant.ip;
  const roll = random.next();
  if (roll < 0.6) {
    const email = declarant.email;
    const challengeId = random.uuid();
    timeline.record(stream, at, timeline.command(visitor, ip), [
      otpIssued(challengeId, 'password-reset', email, at),
    ]);
    timeline.record(stream, at + random.int(2, 12) * minutes, timeline.command(visitor, ip), [
      { type: 'PasswordReset', data: { challengeId, passwordHash: fakeArgon2Hash(random) } },
    ]);
    return;
  }
  signIn(timeline, random, declarant, at);
  const actor = actorOf(declarant);
  if (roll < 0.85) {
    timeline.record(stream, at + 2 * minutes, timeline.command(actor, ip), [
      {
        type: 'ReferentDetailsChanged',
        data: { fullName: declarant.person.fullName, phone: phone(random) },
      },
    ]);
    return;
  }
  const requestId = random.uuid();
  const newEmail = emailOf(random, declarant.person);
  timeline.record(stream, at + 2 * minutes, timeline.command(actor, ip), [
    {
      type: 'EmailChangeRequested',
      data: { requestId, newEmail, expiresAt: new Date(at + 2 * minutes + days).toISOString() },
    },
  ]);
  timeline.record(stream, at + random.int(5, 300) * minutes, timeline.command(actor, ip), [
    {
      type: 'EmailChanged',
      data: { requestId, previousEmail: declarant.email, email: newEmail },
    },
  ]);
  declarant.email = newEmail;
}
