import type { AccountEvent, OtpPurpose } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';

export const otpLifetimeMinutes = 15;
export const otpMaxAttempts = 5;
export const otpResendIntervalSeconds = 60;
export const otpMaxPerHour = 5;

/** A new code for the account's address; throttled so nobody can flood a mailbox. */
export function issueOtp(
  state: AccountState,
  input: { challengeId: string; purpose: OtpPurpose; email: string; now: Date },
): AccountEvent {
  const now = input.now.getTime();
  // Counted per purpose: a registration code just sent does not hold back a password reset.
  const issued = state.otpIssued
    .filter((entry) => entry.purpose === input.purpose)
    .map((entry) => entry.at);
  const last = issued.at(-1);
  if (last && now - Date.parse(last) < otpResendIntervalSeconds * 1000) {
    throw accountError(
      'ResendTooSoon',
      'conflict',
      `È già stato inviato un codice: attendi ${otpResendIntervalSeconds} secondi prima di chiederne un altro.`,
    );
  }
  const lastHour = issued.filter((at) => now - Date.parse(at) < 3_600_000);
  if (lastHour.length >= otpMaxPerHour) {
    throw accountError(
      'TooManyCodes',
      'conflict',
      'Troppi codici richiesti nell’ultima ora: riprova più tardi.',
    );
  }
  return {
    type: 'EmailOtpIssued',
    data: {
      challengeId: input.challengeId,
      purpose: input.purpose,
      email: input.email,
      issuedAt: input.now.toISOString(),
      expiresAt: new Date(now + otpLifetimeMinutes * 60_000).toISOString(),
    },
  };
}

/**
 * Checks the code typed by the person against the open challenge. A wrong code is recorded (the
 * decision returns EmailOtpRejected, not an error) so the attempts are counted in the log.
 */
export function checkOtp(
  state: AccountState,
  input: { purpose: OtpPurpose; challengeId: string; codeMatches: boolean; now: Date },
): { ok: true; challengeId: string } | { ok: false; event: AccountEvent } {
  const otp = state.otp;
  if (!otp || otp.used || otp.purpose !== input.purpose) {
    throw accountError(
      'NoActiveCode',
      'conflict',
      'Nessun codice in attesa: richiedine uno nuovo.',
      'code',
    );
  }
  if (otp.challengeId !== input.challengeId) {
    throw accountError(
      'NoActiveCode',
      'conflict',
      'È stato inviato un codice più recente: usa l’ultimo ricevuto.',
      'code',
    );
  }
  if (otp.failedAttempts >= otpMaxAttempts) {
    throw accountError(
      'TooManyAttempts',
      'conflict',
      'Troppi tentativi errati: richiedi un nuovo codice.',
      'code',
    );
  }
  if (input.now.getTime() > Date.parse(otp.expiresAt)) {
    throw accountError(
      'CodeExpired',
      'conflict',
      'Il codice è scaduto: richiedine uno nuovo.',
      'code',
    );
  }
  if (!input.codeMatches) {
    return {
      ok: false,
      event: {
        type: 'EmailOtpRejected',
        data: { challengeId: otp.challengeId, attempt: otp.failedAttempts + 1 },
      },
    };
  }
  return { ok: true, challengeId: otp.challengeId };
}
