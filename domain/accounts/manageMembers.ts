import type { AccountEvent } from './accountEvents.js';
import type { AccountState, Member } from './account.js';
import { accountError } from './errors.js';
import { mustHold, type Acting, type MemberRole } from './members.js';

/** How long an invitation link stays usable. */
export const invitationDays = 7;
/** Enough for any studio; a bound on what one administrator can make the portal mail. */
export const maxOpenInvitations = 30;

export interface InviteMember {
  readonly type: 'InviteMember';
  readonly by: Acting;
  readonly inviteId: string;
  readonly email: string;
  readonly fullName: string;
  readonly role: MemberRole;
  readonly now: Date;
}

export interface WithdrawInvitation {
  readonly type: 'WithdrawInvitation';
  readonly by: Acting;
  readonly inviteId: string;
}

export interface JoinOrganisation {
  readonly type: 'JoinOrganisation';
  readonly inviteId: string;
  readonly personId: string;
  readonly now: Date;
}

export interface ChangeMemberRole {
  readonly type: 'ChangeMemberRole';
  readonly by: Acting;
  readonly personId: string;
  readonly role: MemberRole;
}

export interface RemoveMember {
  readonly type: 'RemoveMember';
  readonly by: Acting;
  readonly personId: string;
}

/** An organisation registered before people had roles gets its registrant as administrator. */
export interface FormOrganisation {
  readonly type: 'FormOrganisation';
}

export interface CreateMemberAccount {
  readonly type: 'CreateMemberAccount';
  readonly accountId: string;
  readonly organisationId: string;
  readonly inviteId: string;
  readonly kind: 'ditta' | 'studio';
  readonly fullName: string;
  readonly email: string;
  readonly username: string;
  readonly passwordHash: string;
}

export type MemberCommand =
  | InviteMember
  | WithdrawInvitation
  | JoinOrganisation
  | ChangeMemberRole
  | RemoveMember
  | FormOrganisation
  | CreateMemberAccount;

/** The registrant joins as the first administrator (on approval, or when formed afterwards). */
export function founderJoins(state: AccountState): AccountEvent {
  return {
    type: 'MemberJoined',
    data: {
      personId: state.organisationId!,
      role: 'amministratore',
      fullName: state.fullName ?? '',
      email: state.email ?? '',
      inviteId: null,
    },
  };
}

const isOrganisation = (state: AccountState) =>
  state.status === 'active' && state.role === 'declarant' && state.members.length > 0;

/** The acting administrator's own organisation, active: the rest is decided on it. */
function mustManage(state: AccountState, by: Acting): void {
  mustHold(by.role, 'manage');
  const member = state.members.find((m) => m.personId === by.personId);
  if (!isOrganisation(state) || by.organisationId !== state.organisationId || !member) {
    throw accountError('NotAMember', 'forbidden', 'Non fai parte di questa organizzazione.');
  }
  mustHold(member.role, 'manage');
}

/** A Ditta by its company's name; a studio by the person who registered it. */
export const organisationNameOf = (state: AccountState): string =>
  (state.kind === 'ditta' ? state.companies[0]?.name : null) ?? state.fullName ?? '';

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function inviteMember(command: InviteMember, state: AccountState): AccountEvent[] {
  mustManage(state, command.by);
  if (state.members.some((member) => sameEmail(member.email, command.email))) {
    throw accountError(
      'AlreadyAMember',
      'conflict',
      'Una persona con questo indirizzo fa già parte dell’organizzazione.',
      'email',
    );
  }
  const open = state.invitations.filter((i) => Date.parse(i.expiresAt) > command.now.getTime());
  if (open.some((invitation) => sameEmail(invitation.email, command.email))) {
    throw accountError(
      'AlreadyInvited',
      'conflict',
      'Questo indirizzo ha già un invito in attesa: ritiralo prima di inviarne un altro.',
      'email',
    );
  }
  if (open.length >= maxOpenInvitations) {
    throw accountError(
      'TooManyInvitations',
      'conflict',
      `Ci sono già ${maxOpenInvitations} inviti in attesa: ritirane qualcuno prima di invitare altre persone.`,
    );
  }
  const expiresAt = new Date(command.now.getTime() + invitationDays * 86_400_000).toISOString();
  const { inviteId, email, fullName, role } = command;
  const organisationName = organisationNameOf(state);
  return [
    {
      type: 'MemberInvited',
      data: {
        inviteId,
        invitedBy: command.by.personId,
        organisationName,
        email,
        fullName,
        role,
        expiresAt,
      },
    },
  ];
}

export function withdrawInvitation(
  command: WithdrawInvitation,
  state: AccountState,
): AccountEvent[] {
  mustManage(state, command.by);
  if (!state.invitations.some((invitation) => invitation.inviteId === command.inviteId)) {
    throw accountError('NoInvitation', 'conflict', 'Questo invito non è più in attesa.');
  }
  return [{ type: 'MemberInvitationWithdrawn', data: { inviteId: command.inviteId } }];
}

/** The invited person, with their new account, takes the role they were invited to. */
export function joinOrganisation(command: JoinOrganisation, state: AccountState): AccountEvent[] {
  // Joined already (a repeated try of the same link): nothing to add.
  if (state.members.some((member) => member.personId === command.personId)) return [];
  const invitation = state.invitations.find((i) => i.inviteId === command.inviteId);
  if (!invitation || !isOrganisation(state)) {
    throw accountError(
      'NoInvitation',
      'conflict',
      'Questo invito non è più valido: è già stato usato o è stato ritirato.',
    );
  }
  if (Date.parse(invitation.expiresAt) <= command.now.getTime()) {
    throw accountError(
      'InvitationExpired',
      'conflict',
      'L’invito è scaduto: chiedi all’amministratore di inviarne uno nuovo.',
    );
  }
  const { role, fullName, email, inviteId } = invitation;
  return [
    { type: 'MemberJoined', data: { personId: command.personId, role, fullName, email, inviteId } },
  ];
}

const administrators = (members: readonly Member[]) =>
  members.filter((member) => member.role === 'amministratore');

function mustFind(state: AccountState, personId: string): Member {
  const member = state.members.find((m) => m.personId === personId);
  if (!member) {
    throw accountError(
      'NotAMember',
      'conflict',
      'Questa persona non fa parte dell’organizzazione.',
    );
  }
  return member;
}

const lastAdministratorMessage =
  'È l’unico amministratore dell’organizzazione: nomina prima un altro amministratore.';

export function changeMemberRole(command: ChangeMemberRole, state: AccountState): AccountEvent[] {
  mustManage(state, command.by);
  const member = mustFind(state, command.personId);
  if (member.role === command.role) return [];
  if (member.role === 'amministratore' && administrators(state.members).length === 1) {
    throw accountError('LastAdministrator', 'conflict', lastAdministratorMessage);
  }
  const changed: AccountEvent = {
    type: 'MemberRoleChanged',
    data: { personId: member.personId, role: command.role, previousRole: member.role },
  };
  return command.role === 'amministratore' ? [changed] : [changed, ...invitationsOf(state, member)];
}

/** The open invitations of someone who no longer manages the organisation are withdrawn. */
const invitationsOf = (state: AccountState, member: Member): AccountEvent[] =>
  state.invitations
    .filter((invitation) => invitation.invitedBy === member.personId)
    .map((invitation) => ({
      type: 'MemberInvitationWithdrawn',
      data: { inviteId: invitation.inviteId },
    }));

/** An administrator removes a person, or a person leaves; the last administrator stays. */
export function removeMember(command: RemoveMember, state: AccountState): AccountEvent[] {
  const leaving = command.by.personId === command.personId;
  if (!leaving) mustManage(state, command.by);
  else if (command.by.organisationId !== state.organisationId) {
    throw accountError('NotAMember', 'forbidden', 'Non fai parte di questa organizzazione.');
  }
  const member = mustFind(state, command.personId);
  if (member.role === 'amministratore' && administrators(state.members).length === 1) {
    throw accountError('LastAdministrator', 'conflict', lastAdministratorMessage);
  }
  const removed: AccountEvent = {
    type: 'MemberRemoved',
    data: { personId: member.personId, role: member.role, leaving },
  };
  const withdrawn = invitationsOf(state, member);
  if (member.personId !== state.organisationId) return [removed, ...withdrawn];
  // The registrant's address was the organisation's: an administrator who stays takes it over.
  const successor = administrators(state.members).find((m) => m.personId !== member.personId)!;
  const { personId, fullName, email } = successor;
  return [
    removed,
    ...withdrawn,
    { type: 'OrganisationContactChanged', data: { personId, fullName, email } },
  ];
}

export function formOrganisation(_command: FormOrganisation, state: AccountState): AccountEvent[] {
  const registrant = state.organisationId !== null && state.organisationId === state.accountId;
  const unformed = state.status === 'active' && registrant && state.members.length === 0;
  return unformed ? [founderJoins(state)] : [];
}

export function createMemberAccount(
  command: CreateMemberAccount,
  state: AccountState,
): AccountEvent[] {
  if (state.status !== 'none') {
    throw accountError('AccountAlreadyExists', 'conflict', 'Questo invito è già stato usato.');
  }
  const { accountId, organisationId, inviteId, kind, fullName, email, username } = command;
  const { passwordHash } = command;
  return [
    {
      type: 'MemberAccountCreated',
      data: { accountId, organisationId, inviteId, kind, fullName, email, username, passwordHash },
    },
  ];
}
