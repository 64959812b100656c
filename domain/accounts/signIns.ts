import type { DomainEvent } from '../shared/decider.js';
import { streamCodec } from '../shared/streamCodec.js';

/**
 * What the log keeps of logins with a password: facts recorded as they happen, with no decider
 * (nothing is refused on their account). A refused attempt is recorded too: a failure each time,
 * a throttled attempt once a minute per address and username.
 */
export type SignInEvent =
  | DomainEvent<
      'SignInFailed',
      {
        readonly username: string;
        readonly reason: 'wrong-password' | 'unknown-username';
        /** A signed-in person's password asked again before a step that binds (INVIA). */
        readonly reauthentication?: true;
      }
    >
  | DomainEvent<
      'SignInThrottled',
      {
        readonly username: string;
        /** 'account': too many failures for the username; 'address': a spray from the address. */
        readonly scope: 'account' | 'address';
        readonly retryAfterSeconds: number;
        /** Refused so far in this minute (recorded at the 1st, 10th, 100th …). */
        readonly attemptsThisMinute?: number;
        /** The account's owner was mailed a link to try again at once (once an hour at most). */
        readonly unlockMailed?: boolean;
      }
    >
  | DomainEvent<'SignInUnlocked', { readonly username: string; readonly throttledEventId: string }>
  | DomainEvent<'SignedIn', { readonly username: string; readonly failuresBefore?: number }>
  | DomainEvent<'SignedOut', Record<string, never>>;

/** One stream per account; attempts on a username that no account holds go to `signin-unknown`. */
export const signInStream = streamCodec<[accountId: string], SignInEvent>(
  'signin-',
  (accountId) => accountId,
);

export const unknownAccount = 'unknown';

/** How long the unlock link mailed to the owner of a held-back account works. */
export const unlockLinkHours: number = 1;
