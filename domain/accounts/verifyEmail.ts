import type { AccountEvent } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';
import { checkOtp, issueOtp } from './otpChallenge.js';

export interface VerifyEmail {
  readonly type: 'VerifyEmail';
  /** The challenge the person answered, and whether the typed code is its code (checked outside). */
  readonly challengeId: string;
  readonly codeMatches: boolean;
  readonly now: Date;
}

export function verifyEmail(command: VerifyEmail, state: AccountState): AccountEvent[] {
  if (state.status !== 'unverified') {
    throw accountError(
      'NotAwaitingVerification',
      'conflict',
      'L’indirizzo e-mail di questa registrazione è già stato confermato.',
    );
  }
  const checked = checkOtp(state, {
    challengeId: command.challengeId,
    purpose: 'registration',
    codeMatches: command.codeMatches,
    now: command.now,
  });
  if (!checked.ok) return [checked.event];
  return [
    { type: 'EmailVerified', data: { challengeId: checked.challengeId, email: state.email ?? '' } },
  ];
}

export interface ResendEmailOtp {
  readonly type: 'ResendEmailOtp';
  readonly challengeId: string;
  readonly now: Date;
}

export function resendEmailOtp(command: ResendEmailOtp, state: AccountState): AccountEvent[] {
  if (state.status !== 'unverified' || !state.email) {
    throw accountError(
      'NotAwaitingVerification',
      'conflict',
      'L’indirizzo e-mail di questa registrazione è già stato confermato.',
    );
  }
  return [
    issueOtp(state, {
      challengeId: command.challengeId,
      purpose: 'registration',
      email: state.email,
      now: command.now,
    }),
  ];
}
