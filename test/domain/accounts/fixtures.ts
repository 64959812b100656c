import type { AccountEvent, CompanyDeclaration } from '../../../domain/accounts/accountEvents.js';
import type { RegisterReferent } from '../../../domain/accounts/registerReferent.js';

export const t0 = new Date('2026-11-23T10:00:00.000Z');
export const minutesLater = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

export const company = (
  customerCode = '1001234567',
  contractNumbers = ['3001234567'],
): CompanyDeclaration => ({
  name: 'Test SRL',
  taxId: '00743110157',
  phone: '0510000000',
  email: 'mail@test.it',
  pec: 'test@pec.it',
  customerCode,
  contracts: contractNumbers.map((contractNumber) => ({
    contractNumber,
    street: 'Via Vai',
    civic: '1',
    cap: '40100',
    province: 'BO',
    municipality: 'Bologna',
  })),
});

export const registration = (overrides: Partial<RegisterReferent> = {}): RegisterReferent => ({
  type: 'RegisterReferent',
  accountId: 'acc-1',
  kind: 'studio',
  fullName: 'Gianni Rossi',
  phone: '5447783',
  email: 'gianni.rossi@gmail.com',
  username: 'JIM',
  passwordHash: '$argon2id$hash',
  companies: [company()],
  notInRegistry: [],
  challengeId: 'ch-1',
  now: t0,
  ...overrides,
});

export const registered: AccountEvent = {
  type: 'ReferentRegistered',
  data: {
    accountId: 'acc-1',
    kind: 'studio',
    fullName: 'Gianni Rossi',
    phone: '5447783',
    email: 'gianni.rossi@gmail.com',
    username: 'JIM',
    passwordHash: '$argon2id$hash',
    companies: [company()],
  },
};

export const otpIssued = (
  challengeId = 'ch-1',
  at = t0,
  purpose: 'registration' | 'password-reset' = 'registration',
): AccountEvent => ({
  type: 'EmailOtpIssued',
  data: {
    challengeId,
    purpose,
    email: 'gianni.rossi@gmail.com',
    issuedAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + 15 * 60_000).toISOString(),
  },
});

export const verified: AccountEvent = {
  type: 'EmailVerified',
  data: { challengeId: 'ch-1', email: 'gianni.rossi@gmail.com' },
};
export const approved: AccountEvent = { type: 'RegistrationApproved', data: { note: null } };

/** The registrant joins as the organisation's first administrator when it is approved. */
export const founderJoined: AccountEvent = {
  type: 'MemberJoined',
  data: {
    personId: 'acc-1',
    role: 'amministratore',
    fullName: 'Gianni Rossi',
    email: 'gianni.rossi@gmail.com',
    inviteId: null,
  },
};
