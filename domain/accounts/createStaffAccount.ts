import type { AccountEvent, Role } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';

export interface CreateStaffAccount {
  readonly type: 'CreateStaffAccount';
  readonly accountId: string;
  readonly role: Exclude<Role, 'declarant'>;
  readonly fullName: string;
  readonly email: string;
  readonly username: string;
  readonly passwordHash: string;
}

/** Operators, auditors and admins are created by an administrator (CLI), active at once. */
export function createStaffAccount(
  command: CreateStaffAccount,
  state: AccountState,
): AccountEvent[] {
  if (state.status !== 'none') {
    throw accountError('AccountAlreadyExists', 'conflict', 'Questo account esiste già.');
  }
  const { accountId, role, fullName, email, username, passwordHash } = command;
  return [
    {
      type: 'StaffAccountCreated',
      data: { accountId, role, fullName, email, username, passwordHash },
    },
  ];
}
