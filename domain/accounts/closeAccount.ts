import type { AccountState } from './account.js';
import type { AccountEvent } from './accountEvents.js';
import { accountError, mustConfirmPassword, mustGiveReason } from './errors.js';

/**
 * «Chiudi l'account»: by its person, who types the password again, or by a portal administrator,
 * who gives the reason. The account can no longer log in; what it filed stays with the company,
 * and the log keeps every event (erasure of the personal data is a later, separate step).
 */
export type CloseAccount =
  | { readonly type: 'CloseAccount'; readonly by: 'self'; readonly passwordOk: boolean }
  | { readonly type: 'CloseAccount'; readonly by: 'admin'; readonly reason: string };

const stillHasPeople = {
  self: 'La tua organizzazione ha altre persone: esci dall’organizzazione dalla pagina «Persone» (un altro amministratore ne prende il posto); da quel momento il tuo account non può più accedere.',
  admin:
    'Questo account è quello che ha registrato un’organizzazione con altre persone: chiuderlo la renderebbe inservibile. Chiedi a un suo amministratore di farlo uscire dall’organizzazione.',
};

export function closeAccount(command: CloseAccount, state: AccountState): AccountEvent[] {
  if (state.status === 'none')
    throw accountError('AccountNotActive', 'not-found', 'Account non trovato.');
  if (state.status === 'closed')
    throw accountError('AccountClosed', 'conflict', 'L’account è già chiuso.');
  // The registrant's stream holds the organisation: with other people in it, they leave instead.
  const holdsOthers =
    state.members.length > 1 && state.members.some((m) => m.personId === state.accountId);
  if (command.by === 'self') {
    mustConfirmPassword(command.passwordOk);
    if (holdsOthers)
      throw accountError('OrganisationHasPeople', 'conflict', stillHasPeople.self, '_form');
    return [{ type: 'AccountClosed', data: { by: 'self', reason: null } }, ...withdrawn(state)];
  }
  if (holdsOthers)
    throw accountError('OrganisationHasPeople', 'conflict', stillHasPeople.admin, '_form');
  mustGiveReason(command.reason, 'chiusura');
  return [
    { type: 'AccountClosed', data: { by: 'admin', reason: command.reason } },
    ...withdrawn(state),
  ];
}

/** A closed organisation invites nobody: its open invitations end with it. */
const withdrawn = (state: AccountState): AccountEvent[] =>
  state.invitations.map((invitation) => ({
    type: 'MemberInvitationWithdrawn',
    data: { inviteId: invitation.inviteId },
  }));
