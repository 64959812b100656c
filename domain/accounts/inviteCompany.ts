import type { AccountEvent } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';

export interface InviteCompany {
  readonly type: 'InviteCompany';
  readonly accountId: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly pec: string;
  readonly username: string;
  /** argon2id of the first-access password, which is derived, mailed, and never stored. */
  readonly passwordHash: string;
}

/** The utility invites a company, known to its registry, to see its own contracts and filings. */
export function inviteCompany(command: InviteCompany, state: AccountState): AccountEvent[] {
  if (state.status !== 'none') {
    throw accountError('AccountAlreadyExists', 'conflict', 'Questa ditta è già stata invitata.');
  }
  const { accountId, customerCode, companyName, pec, username, passwordHash } = command;
  return [
    {
      type: 'CompanyInvited',
      data: { accountId, customerCode, companyName, pec, username, passwordHash },
    },
    {
      type: 'MemberJoined',
      data: {
        personId: accountId,
        role: 'amministratore',
        fullName: companyName,
        email: pec,
        inviteId: null,
      },
    },
  ];
}

export interface SetFirstPassword {
  readonly type: 'SetFirstPassword';
  readonly passwordHash: string;
}

/** At first login an invited company replaces the password it was sent. */
export function setFirstPassword(command: SetFirstPassword, state: AccountState): AccountEvent[] {
  if (!state.mustChangePassword) {
    throw accountError('NothingChanged', 'conflict', 'La password è già stata impostata.');
  }
  return [{ type: 'PasswordChanged', data: { passwordHash: command.passwordHash } }];
}
