import { describe, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import type { AccountEvent } from '../../../domain/accounts/accountEvents.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import { approved, founderJoined, otpIssued, registered, verified } from './fixtures.js';

const spec = deciderSpec(accountDecider);
const organisation = [registered, otpIssued(), verified, approved, founderJoined];
const closed: AccountEvent = { type: 'AccountClosed', data: { by: 'self', reason: null } };
const erase = (reason = 'Richiesta della persona via PEC') => ({
  type: 'ErasePersonalData' as const,
  reason,
});
const invited = (inviteId: string, fullName: string): AccountEvent => ({
  type: 'MemberInvited',
  data: {
    inviteId,
    invitedBy: 'acc-1',
    organisationName: 'Studio',
    email: `${inviteId}@studio.it`,
    fullName,
    role: 'compilatore',
    expiresAt: '2026-12-31T00:00:00.000Z',
  },
});
const accountId = (registered.data as { accountId: string }).accountId;

describe('ErasePersonalData', () => {
  it("destroys the keys of a closed account's person, with the reason", () =>
    spec
      .given([...organisation, closed])
      .when(erase('  Conservazione scaduta  '))
      .then([
        {
          type: 'PersonalDataErased',
          data: { reason: 'Conservazione scaduta', subjects: [accountId] },
        },
      ]));

  it('erases the invitation a member joined by with the member', () =>
    spec
      .given([
        {
          type: 'MemberAccountCreated',
          data: {
            accountId: 'anna',
            organisationId: accountId,
            inviteId: 'inv-1',
            kind: 'studio',
            fullName: 'Anna Bianchi',
            email: 'anna@studio.it',
            username: 'anna.bianchi',
            passwordHash: 'hash',
          },
        },
        closed,
      ])
      .when(erase())
      .then([
        {
          type: 'PersonalDataErased',
          data: { reason: 'Richiesta della persona via PEC', subjects: ['anna', 'invite:inv-1'] },
        },
      ]));

  it('erases with an organisation the invitees who never accepted, not those who joined', () =>
    spec
      .given([
        ...organisation,
        invited('inv-1', 'Bruno Verdi'),
        invited('inv-2', 'Carla Neri'),
        {
          type: 'MemberJoined',
          data: {
            personId: 'carla',
            role: 'compilatore',
            fullName: 'Carla Neri',
            email: 'carla@studio.it',
            inviteId: 'inv-2',
          },
        },
        { type: 'MemberRemoved', data: { personId: 'carla', role: 'compilatore', leaving: true } },
        closed,
      ])
      .when(erase())
      .then([
        {
          type: 'PersonalDataErased',
          data: {
            reason: 'Richiesta della persona via PEC',
            subjects: [accountId, 'invite:inv-1'],
          },
        },
      ]));

  it('refuses an account still open: it is closed first', () =>
    spec.given(organisation).when(erase()).thenThrows('AccountNotClosed', '_form'));

  it('refuses a reason shorter than 10 characters beside the field', () =>
    spec
      .given([...organisation, closed])
      .when(erase('breve'))
      .thenThrows('ReasonRequired', 'motivo'));

  it('refuses a second erasure', () =>
    spec
      .given([
        ...organisation,
        closed,
        {
          type: 'PersonalDataErased',
          data: { reason: 'Conservazione scaduta', subjects: [accountId] },
        },
      ])
      .when(erase())
      .thenThrows('PersonalDataErased'));

  it('refuses an account that does not exist', () =>
    spec.given([]).when(erase()).thenThrows('AccountNotActive'));
});
