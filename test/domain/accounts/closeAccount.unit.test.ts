import { describe, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import type { AccountEvent } from '../../../domain/accounts/accountEvents.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import { approved, founderJoined, otpIssued, registered, verified } from './fixtures.js';

const spec = deciderSpec(accountDecider);
const organisation = [registered, otpIssued(), verified, approved, founderJoined];
const annaJoined: AccountEvent = {
  type: 'MemberJoined',
  data: {
    personId: 'anna',
    role: 'amministratore',
    fullName: 'Anna Bianchi',
    email: 'anna@studio.it',
    inviteId: 'inv-1',
  },
};
const bySelf = (passwordOk = true) => ({
  type: 'CloseAccount' as const,
  by: 'self' as const,
  passwordOk,
});
const byAdmin = (reason: string) => ({
  type: 'CloseAccount' as const,
  by: 'admin' as const,
  reason,
});
const closed: AccountEvent = { type: 'AccountClosed', data: { by: 'self', reason: null } };

describe('CloseAccount', () => {
  it('closes the account of a person who types the password again', () =>
    spec.given(organisation).when(bySelf()).then([closed]));

  it('refuses a wrong password beside the field', () =>
    spec.given(organisation).when(bySelf(false)).thenThrows('WrongPassword', 'currentPassword'));

  it('refuses the registrant of an organisation with other people, whoever asks: they leave', () => {
    spec
      .given([...organisation, annaJoined])
      .when(bySelf())
      .thenThrows('OrganisationHasPeople', '_form');
    spec
      .given([...organisation, annaJoined])
      .when(byAdmin('Richiesta via PEC'))
      .thenThrows('OrganisationHasPeople', '_form');
  });

  it('lets a portal administrator close it, with a reason of at least 10 characters', () => {
    spec
      .given(organisation)
      .when(byAdmin('Richiesta via PEC'))
      .then([{ type: 'AccountClosed', data: { by: 'admin', reason: 'Richiesta via PEC' } }]);
    spec.given(organisation).when(byAdmin('  breve  ')).thenThrows('ReasonRequired', 'motivo');
  });

  it('withdraws the open invitations of the organisation it closes', () =>
    spec
      .given([
        ...organisation,
        {
          type: 'MemberInvited',
          data: {
            inviteId: 'inv-9',
            invitedBy: 'acc-1',
            organisationName: 'Gianni Rossi',
            email: 'anna@studio.it',
            fullName: 'Anna Bianchi',
            role: 'compilatore',
            expiresAt: '2099-01-01T00:00:00.000Z',
          },
        },
      ])
      .when(bySelf())
      .then([closed, { type: 'MemberInvitationWithdrawn', data: { inviteId: 'inv-9' } }]));

  it('closes once, and never an account that does not exist', () => {
    spec
      .given([...organisation, closed])
      .when(bySelf())
      .thenThrows('AccountClosed');
    spec.given([]).when(byAdmin('Richiesta via PEC')).thenThrows('AccountNotActive');
  });
});
