import { describe, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import { approved, minutesLater, otpIssued, registered, verified } from './fixtures.js';

const spec = deciderSpec(accountDecider);
const verify = (codeMatches: boolean, now = minutesLater(1), challengeId = 'ch-1') => ({
  type: 'VerifyEmail' as const,
  challengeId,
  codeMatches,
  now,
});
const rejected = (attempt: number) => ({
  type: 'EmailOtpRejected' as const,
  data: { challengeId: 'ch-1', attempt },
});

describe('VerifyEmail (registration OTP)', () => {
  it('confirms the address with the right code', () => {
    spec.given([registered, otpIssued()]).when(verify(true)).then([verified]);
  });

  it('records a wrong code as a counted attempt', () => {
    spec
      .given([registered, otpIssued(), rejected(1)])
      .when(verify(false))
      .then([rejected(2)]);
  });

  it('stops after 5 wrong codes, even if the sixth is right', () => {
    const five = [1, 2, 3, 4, 5].map(rejected);
    spec
      .given([registered, otpIssued(), ...five])
      .when(verify(true))
      .thenThrows('TooManyAttempts', 'code');
  });

  it('refuses a code after 15 minutes', () => {
    spec
      .given([registered, otpIssued()])
      .when(verify(true, minutesLater(15.1)))
      .thenThrows('CodeExpired');
  });

  it('refuses a code answering a challenge that a newer code replaced', () => {
    spec
      .given([registered, otpIssued(), otpIssued('ch-2', minutesLater(2))])
      .when(verify(true, minutesLater(3)))
      .thenThrows('NoActiveCode', 'code');
  });

  it('refuses to verify twice', () => {
    spec
      .given([registered, otpIssued(), verified])
      .when(verify(true))
      .thenThrows('NotAwaitingVerification');
  });
});

describe('ResendEmailOtp', () => {
  const resend = (minutes: number, challengeId = 'ch-2') => ({
    type: 'ResendEmailOtp' as const,
    challengeId,
    now: minutesLater(minutes),
  });

  it('issues a new code that replaces the old one', () => {
    spec
      .given([registered, otpIssued()])
      .when(resend(2))
      .then([otpIssued('ch-2', minutesLater(2))]);
  });

  it('waits a minute between codes', () => {
    spec.given([registered, otpIssued()]).when(resend(0.5)).thenThrows('ResendTooSoon');
  });

  it('allows at most 5 codes an hour', () => {
    const five = [0, 2, 4, 6, 8].map((m, i) => otpIssued(`ch-${i}`, minutesLater(m)));
    spec
      .given([registered, ...five])
      .when(resend(10))
      .thenThrows('TooManyCodes');
    spec
      .given([registered, ...five])
      .when(resend(61))
      .then([otpIssued('ch-2', minutesLater(61))]);
  });

  it('is refused once the address is confirmed', () => {
    spec
      .given([registered, otpIssued(), verified])
      .when(resend(5))
      .thenThrows('NotAwaitingVerification');
  });
});

describe('Password reset', () => {
  const active = [registered, otpIssued(), verified, approved];

  it('issues a reset code to an active account', () => {
    spec
      .given(active)
      .when({ type: 'RequestPasswordReset', challengeId: 'r-1', now: minutesLater(30) })
      .then([otpIssued('r-1', minutesLater(30), 'password-reset')]);
  });

  it('is not held back by a registration code sent a moment ago', () => {
    spec
      .given([registered, otpIssued('ch-1', minutesLater(29)), verified, approved])
      .when({ type: 'RequestPasswordReset', challengeId: 'r-1', now: minutesLater(29.5) })
      .then([otpIssued('r-1', minutesLater(29.5), 'password-reset')]);
  });

  it('is refused to an account that is not active', () => {
    spec
      .given([registered, otpIssued()])
      .when({ type: 'RequestPasswordReset', challengeId: 'r-1', now: minutesLater(30) })
      .thenThrows('AccountNotActive');
  });

  it('sets the new password with the right code', () => {
    spec
      .given([...active, otpIssued('r-1', minutesLater(30), 'password-reset')])
      .when({
        type: 'ResetPassword',
        challengeId: 'r-1',
        codeMatches: true,
        passwordHash: '$new',
        now: minutesLater(31),
      })
      .then([{ type: 'PasswordReset', data: { challengeId: 'r-1', passwordHash: '$new' } }]);
  });

  it('refuses a reset when no reset code was issued (the registration code does not count)', () => {
    spec
      .given(active)
      .when({
        type: 'ResetPassword',
        challengeId: 'r-1',
        codeMatches: true,
        passwordHash: '$new',
        now: minutesLater(31),
      })
      .thenThrows('NoActiveCode');
  });
});

describe('Usernames', () => {
  it('are claimed once, whatever the case', async () => {
    const { usernameDecider, usernameStream } =
      await import('../../../domain/accounts/usernameClaim.js');
    const usernames = deciderSpec(usernameDecider);
    usernames
      .given([])
      .when({ type: 'ClaimUsername', username: 'JIM', accountId: 'a' })
      .then([{ type: 'UsernameClaimed', data: { username: 'JIM', accountId: 'a' } }]);
    usernames
      .given([{ type: 'UsernameClaimed', data: { username: 'JIM', accountId: 'a' } }])
      .when({ type: 'ClaimUsername', username: 'jim', accountId: 'b' })
      .thenThrows('UsernameTaken', 'username');
    usernames
      .given([{ type: 'UsernameClaimed', data: { username: 'JIM', accountId: 'a' } }])
      .when({ type: 'ClaimUsername', username: 'JIM', accountId: 'a' })
      .then([]);
    if (usernameStream.id(' Jim ') !== usernameStream.id('jim'))
      throw new Error('stream ids differ by case');
  });
});
