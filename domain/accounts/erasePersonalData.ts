import type { AccountState } from './account.js';
import type { AccountEvent } from './accountEvents.js';
import { accountError, mustGiveReason } from './errors.js';

/**
 * Erasure (GDPR art. 17) of a closed account's person: their data keys are destroyed, so every
 * field sealed for them reads «[dato cancellato]» from then on, while the events, the chain and
 * the filings stay. Decided by a portal administrator, with the reason (the retention period
 * over, or the person's request where no obligation keeps the data).
 */
export interface ErasePersonalData {
  readonly type: 'ErasePersonalData';
  readonly reason: string;
}

/** The data subject of an invited person until they have an account of their own. */
export const invitationSubject = (inviteId: string): string => `invite:${inviteId}`;

export function erasePersonalData(command: ErasePersonalData, state: AccountState): AccountEvent[] {
  if (state.status === 'none' || !state.accountId)
    throw accountError('AccountNotActive', 'not-found', 'Account non trovato.');
  if (state.erased)
    throw accountError('PersonalDataErased', 'conflict', 'I dati personali sono già cancellati.');
  if (state.status !== 'closed')
    throw accountError(
      'AccountNotClosed',
      'conflict',
      'Si possono cancellare i dati personali solo di un account chiuso: chiudilo prima.',
      '_form',
    );
  mustGiveReason(command.reason, 'cancellazione');
  // A member's invitation; an organisation's invitations that no one accepted.
  const invitations = [...(state.joinedBy ? [state.joinedBy] : []), ...state.unansweredInvites];
  const subjects = [state.accountId, ...invitations.map(invitationSubject)];
  return [{ type: 'PersonalDataErased', data: { reason: command.reason.trim(), subjects } }];
}
