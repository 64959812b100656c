import type { AccountEvent } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';
import { checkOtp, issueOtp } from './otpChallenge.js';

export interface RequestPasswordReset {
  readonly type: 'RequestPasswordReset';
  readonly challengeId: string;
  readonly now: Date;
}

/** "Password dimenticata?": a code by mail, for an account that can log in. */
export function requestPasswordReset(
  command: RequestPasswordReset,
  state: AccountState,
): AccountEvent[] {
  if (state.status !== 'active' || !state.email) {
    throw accountError('AccountNotActive', 'conflict', 'Questo account non è attivo.');
  }
  return [
    issueOtp(state, {
      challengeId: command.challengeId,
      purpose: 'password-reset',
      email: state.email,
      now: command.now,
    }),
  ];
}

export interface ResetPassword {
  readonly type: 'ResetPassword';
  readonly challengeId: string;
  readonly codeMatches: boolean;
  readonly passwordHash: string;
  readonly now: Date;
}

export function resetPassword(command: ResetPassword, state: AccountState): AccountEvent[] {
  if (state.status !== 'active') {
    throw accountError('AccountNotActive', 'conflict', 'Questo account non è attivo.');
  }
  const checked = checkOtp(state, {
    challengeId: command.challengeId,
    purpose: 'password-reset',
    codeMatches: command.codeMatches,
    now: command.now,
  });
  if (!checked.ok) return [checked.event];
  return [
    {
      type: 'PasswordReset',
      data: { challengeId: checked.challengeId, passwordHash: command.passwordHash },
    },
  ];
}
