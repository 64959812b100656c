import { describe, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import type { UpdateProfile } from '../../../domain/accounts/updateProfile.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import {
  approved,
  founderJoined,
  minutesLater,
  otpIssued,
  registered,
  verified,
} from './fixtures.js';

const spec = deciderSpec(accountDecider);
const active = [registered, otpIssued(), verified, approved];
const update = (overrides: Partial<UpdateProfile> = {}): UpdateProfile => ({
  type: 'UpdateProfile',
  currentPasswordOk: true,
  fullName: 'Gianni Rossi',
  phone: '5447783',
  newEmail: null,
  emailRequestId: 'req-1',
  newPasswordHash: null,
  now: minutesLater(60),
  ...overrides,
});
const requested = {
  type: 'EmailChangeRequested' as const,
  data: {
    requestId: 'req-1',
    newEmail: 'rossi.gianni@example.com',
    expiresAt: minutesLater(60 + 24 * 60).toISOString(),
  },
};

describe('UpdateProfile', () => {
  it('needs the current password for any change', () => {
    spec
      .given(active)
      .when(update({ currentPasswordOk: false, phone: '999' }))
      .thenThrows('WrongPassword', 'currentPassword');
  });

  it('records changed referent details', () => {
    spec
      .given(active)
      .when(update({ phone: '051 999' }))
      .then([
        { type: 'ReferentDetailsChanged', data: { fullName: 'Gianni Rossi', phone: '051 999' } },
      ]);
  });

  it('records a new password', () => {
    spec
      .given(active)
      .when(update({ newPasswordHash: '$new' }))
      .then([{ type: 'PasswordChanged', data: { passwordHash: '$new' } }]);
  });

  it('asks for a new address to be confirmed within 24 hours', () => {
    spec
      .given(active)
      .when(update({ newEmail: 'rossi.gianni@example.com' }))
      .then([requested]);
  });

  it('leaves the organisation’s contact to its administrators once the registrant is not one', () => {
    const demoted = [
      ...active,
      founderJoined,
      {
        type: 'MemberJoined' as const,
        data: {
          personId: 'anna',
          role: 'amministratore' as const,
          fullName: 'Anna Bianchi',
          email: 'anna@studio.it',
          inviteId: 'inv-1',
        },
      },
      {
        type: 'MemberRoleChanged' as const,
        data: {
          personId: 'acc-1',
          role: 'lettore' as const,
          previousRole: 'amministratore' as const,
        },
      },
    ];
    spec
      .given(demoted)
      .when(update({ newEmail: 'altro@example.com' }))
      .thenThrows('ContactNotYours');
    spec
      .given(demoted)
      .when(update({ phone: '051 999' }))
      .thenThrows('ContactNotYours');
    spec
      .given(demoted)
      .when(update({ newPasswordHash: '$new' }))
      .then([{ type: 'PasswordChanged', data: { passwordHash: '$new' } }]);
  });

  it('says when nothing changed', () => {
    spec
      .given(active)
      .when(update({ newEmail: 'GIANNI.ROSSI@gmail.com' }))
      .thenThrows('NothingChanged');
  });

  it('is refused to an account not yet active', () => {
    spec
      .given([registered, otpIssued()])
      .when(update({ phone: '1' }))
      .thenThrows('AccountNotActive');
  });
});

describe('ConfirmEmailChange', () => {
  const confirm = (tokenMatches = true, minutes = 120, requestId = 'req-1') => ({
    type: 'ConfirmEmailChange' as const,
    requestId,
    tokenMatches,
    now: minutesLater(minutes),
  });

  it('moves the address with a valid link', () => {
    spec
      .given([...active, requested])
      .when(confirm())
      .then([
        {
          type: 'EmailChanged',
          data: {
            requestId: 'req-1',
            previousEmail: 'gianni.rossi@gmail.com',
            email: 'rossi.gianni@example.com',
          },
        },
      ]);
  });

  it('refuses a wrong token, an unknown request, or a link used twice', () => {
    spec
      .given([...active, requested])
      .when(confirm(false))
      .thenThrows('EmailChangeNotFound');
    spec
      .given([...active, requested])
      .when(confirm(true, 120, 'req-2'))
      .thenThrows('EmailChangeNotFound');
    const changed = {
      type: 'EmailChanged' as const,
      data: {
        requestId: 'req-1',
        previousEmail: 'gianni.rossi@gmail.com',
        email: 'rossi.gianni@example.com',
      },
    };
    spec
      .given([...active, requested, changed])
      .when(confirm())
      .thenThrows('EmailChangeNotFound');
  });

  it('refuses a link older than 24 hours', () => {
    spec
      .given([...active, requested])
      .when(confirm(true, 60 + 24 * 60 + 1))
      .thenThrows('EmailChangeExpired');
  });
});
