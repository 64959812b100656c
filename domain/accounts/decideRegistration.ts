import type { AccountEvent } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';
import { founderJoins } from './manageMembers.js';

export interface ApproveRegistration {
  readonly type: 'ApproveRegistration';
  readonly note: string | null;
}

export interface RejectRegistration {
  readonly type: 'RejectRegistration';
  readonly reason: string;
}

const mustAwaitApproval = (state: AccountState) => {
  if (state.status !== 'awaiting-approval') {
    throw accountError(
      'NotAwaitingApproval',
      'conflict',
      'Questa registrazione non è in attesa di approvazione.',
    );
  }
};

/** An operator accepts a verified registration: the referent logs in as its administrator. */
export function approveRegistration(
  command: ApproveRegistration,
  state: AccountState,
): AccountEvent[] {
  mustAwaitApproval(state);
  return [
    { type: 'RegistrationApproved', data: { note: command.note?.trim() || null } },
    founderJoins(state),
  ];
}

/** An operator refuses a registration, saying why (the referent reads the reason by mail). */
export function rejectRegistration(
  command: RejectRegistration,
  state: AccountState,
): AccountEvent[] {
  mustAwaitApproval(state);
  const reason = command.reason.trim();
  if (reason.length < 5) {
    throw accountError('ReasonRequired', 'validation', 'Indicare il motivo del rifiuto.', 'reason');
  }
  return [{ type: 'RegistrationRejected', data: { reason } }];
}
