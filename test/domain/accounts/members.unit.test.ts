import { describe, it } from 'vitest';
import { accountDecider } from '../../../domain/accounts/accountDecider.js';
import type { AccountEvent } from '../../../domain/accounts/accountEvents.js';
import type { Acting, MemberRole } from '../../../domain/accounts/members.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import {
  approved,
  founderJoined,
  minutesLater,
  otpIssued,
  registered,
  t0,
  verified,
} from './fixtures.js';

const spec = deciderSpec(accountDecider);
const organisation = [registered, otpIssued(), verified, approved, founderJoined];
const founder: Acting = { organisationId: 'acc-1', personId: 'acc-1', role: 'amministratore' };
const as = (personId: string, role: MemberRole): Acting => ({
  organisationId: 'acc-1',
  personId,
  role,
});

const invite = (role: MemberRole = 'compilatore', by = founder, email = 'anna@studio.it') => ({
  type: 'InviteMember' as const,
  by,
  inviteId: 'inv-1',
  email,
  fullName: 'Anna Bianchi',
  role,
  now: t0,
});
const invited = (
  role: MemberRole = 'compilatore',
  inviteId = 'inv-1',
  invitedBy = 'acc-1',
  email = 'anna@studio.it',
): AccountEvent => ({
  type: 'MemberInvited',
  data: {
    inviteId,
    invitedBy,
    organisationName: 'Gianni Rossi',
    email,
    fullName: 'Anna Bianchi',
    role,
    expiresAt: minutesLater(7 * 24 * 60).toISOString(),
  },
});
const joined = (role: MemberRole = 'compilatore'): AccountEvent => ({
  type: 'MemberJoined',
  data: {
    personId: 'anna',
    role,
    fullName: 'Anna Bianchi',
    email: 'anna@studio.it',
    inviteId: 'inv-1',
  },
});

describe('InviteMember', () => {
  it('lets an administrator invite a person with a role, for 7 days', () =>
    spec.given(organisation).when(invite()).then([invited()]));

  it('refuses anyone but an administrator', () => {
    for (const role of ['compilatore', 'firmatario', 'lettore'] as const) {
      spec
        .given([...organisation, invited(role), joined(role)])
        .when({ ...invite('lettore', as('anna', role), 'other@studio.it'), inviteId: 'inv-2' })
        .thenThrows('RoleForbids');
    }
  });

  it('refuses a person claiming a role they no longer hold', () =>
    spec
      .given([...organisation, invited('compilatore'), joined('compilatore')])
      .when({
        ...invite('lettore', as('anna', 'amministratore'), 'x@y.it'),
        inviteId: 'inv-2',
      })
      .thenThrows('RoleForbids'));

  it('refuses an administrator of another organisation', () =>
    spec
      .given(organisation)
      .when(invite('compilatore', { ...founder, organisationId: 'acc-2', personId: 'acc-2' }))
      .thenThrows('NotAMember'));

  it('refuses an address already in the organisation or already invited', () => {
    spec
      .given(organisation)
      .when(invite('lettore', founder, ' Gianni.Rossi@gmail.com'))
      .thenThrows('AlreadyAMember', 'email');
    spec
      .given([...organisation, invited()])
      .when({ ...invite(), inviteId: 'inv-2' })
      .thenThrows('AlreadyInvited', 'email');
  });

  it('refuses before the registration is approved', () =>
    spec.given([registered, otpIssued(), verified]).when(invite()).thenThrows('NotAMember'));
});

describe('JoinOrganisation', () => {
  const join = (now = minutesLater(60)) => ({
    type: 'JoinOrganisation' as const,
    inviteId: 'inv-1',
    personId: 'anna',
    now,
  });

  it('gives the invited person the role of the invitation', () =>
    spec
      .given([...organisation, invited('firmatario')])
      .when(join())
      .then([joined('firmatario')]));

  it('works once: the same person again adds nothing, anyone else is refused', () => {
    spec
      .given([...organisation, invited(), joined()])
      .when(join())
      .then([]);
    spec
      .given([...organisation, invited(), joined()])
      .when({ ...join(), personId: 'intruso' })
      .thenThrows('NoInvitation');
  });

  it('refuses a withdrawn invitation', () =>
    spec
      .given([
        ...organisation,
        invited(),
        { type: 'MemberInvitationWithdrawn', data: { inviteId: 'inv-1' } },
      ])
      .when(join())
      .thenThrows('NoInvitation'));

  it('refuses an expired invitation', () =>
    spec
      .given([...organisation, invited()])
      .when(join(minutesLater(7 * 24 * 60 + 1)))
      .thenThrows('InvitationExpired'));
});

describe('The last administrator', () => {
  const remove = (personId: string, by: Acting = founder) => ({
    type: 'RemoveMember' as const,
    by,
    personId,
  });

  it('cannot be removed, nor leave', () =>
    spec.given(organisation).when(remove('acc-1')).thenThrows('LastAdministrator'));

  it('cannot become something else', () =>
    spec
      .given(organisation)
      .when({ type: 'ChangeMemberRole', by: founder, personId: 'acc-1', role: 'lettore' })
      .thenThrows('LastAdministrator'));

  it('may leave once another administrator is named', () =>
    spec
      .given([
        ...organisation,
        invited(),
        joined(),
        {
          type: 'MemberRoleChanged',
          data: { personId: 'anna', role: 'amministratore', previousRole: 'compilatore' },
        },
      ])
      .when(remove('acc-1'))
      .then([
        {
          type: 'MemberRemoved',
          data: { personId: 'acc-1', role: 'amministratore', leaving: true },
        },
        {
          type: 'OrganisationContactChanged',
          data: { personId: 'anna', fullName: 'Anna Bianchi', email: 'anna@studio.it' },
        },
      ]));

  it('removes another person; a reader may only leave', () => {
    spec
      .given([...organisation, invited(), joined()])
      .when(remove('anna'))
      .then([
        { type: 'MemberRemoved', data: { personId: 'anna', role: 'compilatore', leaving: false } },
      ]);
    spec
      .given([...organisation, invited('lettore'), joined('lettore')])
      .when(remove('acc-1', as('anna', 'lettore')))
      .thenThrows('RoleForbids');
    spec
      .given([...organisation, invited('lettore'), joined('lettore')])
      .when(remove('anna', as('anna', 'lettore')))
      .then([
        { type: 'MemberRemoved', data: { personId: 'anna', role: 'lettore', leaving: true } },
      ]);
  });
});

describe('An administrator who stops managing', () => {
  const annaAdmin: AccountEvent[] = [
    ...organisation,
    invited('amministratore'),
    joined('amministratore'),
    invited('amministratore', 'inv-2', 'anna', 'complice@altrove.it'),
  ];
  const withdrawn: AccountEvent = {
    type: 'MemberInvitationWithdrawn',
    data: { inviteId: 'inv-2' },
  };

  it('takes their open invitations along when removed', () =>
    spec
      .given(annaAdmin)
      .when({ type: 'RemoveMember', by: founder, personId: 'anna' })
      .then([
        {
          type: 'MemberRemoved',
          data: { personId: 'anna', role: 'amministratore', leaving: false },
        },
        withdrawn,
      ]));

  it('takes them along when no longer an administrator', () =>
    spec
      .given(annaAdmin)
      .when({ type: 'ChangeMemberRole', by: founder, personId: 'anna', role: 'lettore' })
      .then([
        {
          type: 'MemberRoleChanged',
          data: { personId: 'anna', role: 'lettore', previousRole: 'amministratore' },
        },
        withdrawn,
      ]));
});

describe('FormOrganisation', () => {
  it('makes the registrant of an older approved account its administrator, once', () => {
    spec
      .given([registered, otpIssued(), verified, approved])
      .when({ type: 'FormOrganisation' })
      .then([founderJoined]);
    spec.given(organisation).when({ type: 'FormOrganisation' }).then([]);
  });

  it('leaves registrations not approved alone', () =>
    spec.given([registered, otpIssued(), verified]).when({ type: 'FormOrganisation' }).then([]));
});
