import type { AccountEvent } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError, mustConfirmPassword } from './errors.js';

export const emailChangeLifetimeHours = 24;

export interface UpdateProfile {
  readonly type: 'UpdateProfile';
  /** Every change needs the current password (seed: "Modifica Profilo"); checked outside. */
  readonly currentPasswordOk: boolean;
  readonly fullName: string;
  readonly phone: string;
  /** A different address to confirm by link, or null to keep the current one. */
  readonly newEmail: string | null;
  readonly emailRequestId: string;
  readonly newPasswordHash: string | null;
  readonly now: Date;
}

/**
 * The registrant's name and addresses are also the organisation's contact (where its mail goes):
 * once the registrant is no longer an administrator, only their password is theirs to change.
 */
function mustManageContact(state: AccountState): void {
  if (state.organisationId === null || state.organisationId !== state.accountId) return;
  const registrant = state.members.find((member) => member.personId === state.accountId);
  if (registrant && registrant.role !== 'amministratore') {
    throw accountError(
      'ContactNotYours',
      'forbidden',
      'Nome, telefono ed e-mail di chi ha registrato l’organizzazione li cambia solo un amministratore: puoi cambiare la tua password.',
    );
  }
}

/** "Modifica profilo": one form, one command, an event for each thing that changed. */
export function updateProfile(command: UpdateProfile, state: AccountState): AccountEvent[] {
  if (state.status !== 'active') {
    throw accountError('AccountNotActive', 'conflict', 'Questo account non è attivo.');
  }
  mustConfirmPassword(command.currentPasswordOk);
  const events: AccountEvent[] = [];
  const newEmail = command.newEmail?.trim();
  const newContact =
    command.fullName !== state.fullName ||
    command.phone !== state.phone ||
    (newEmail !== undefined &&
      newEmail !== '' &&
      newEmail.toLowerCase() !== state.email?.toLowerCase());
  if (newContact) mustManageContact(state);
  if (command.fullName !== state.fullName || command.phone !== state.phone) {
    events.push({
      type: 'ReferentDetailsChanged',
      data: { fullName: command.fullName, phone: command.phone },
    });
  }
  if (command.newPasswordHash) {
    events.push({ type: 'PasswordChanged', data: { passwordHash: command.newPasswordHash } });
  }
  if (newEmail && newEmail.toLowerCase() !== state.email?.toLowerCase()) {
    events.push({
      type: 'EmailChangeRequested',
      data: {
        requestId: command.emailRequestId,
        newEmail,
        expiresAt: new Date(
          command.now.getTime() + emailChangeLifetimeHours * 3_600_000,
        ).toISOString(),
      },
    });
  }
  if (events.length === 0) {
    throw accountError('NothingChanged', 'validation', 'Nessuna modifica da salvare.');
  }
  return events;
}

export interface ConfirmEmailChange {
  readonly type: 'ConfirmEmailChange';
  readonly requestId: string;
  /** Whether the link's token is the one derived for this request (checked outside). */
  readonly tokenMatches: boolean;
  readonly now: Date;
}

/** The person followed the link mailed to the new address: from now on mail goes there. */
export function confirmEmailChange(
  command: ConfirmEmailChange,
  state: AccountState,
): AccountEvent[] {
  const pending = state.pendingEmail;
  if (!pending || pending.requestId !== command.requestId || !command.tokenMatches) {
    throw accountError(
      'EmailChangeNotFound',
      'not-found',
      'Il link non è valido o è già stato usato.',
    );
  }
  if (command.now.getTime() > Date.parse(pending.expiresAt)) {
    throw accountError(
      'EmailChangeExpired',
      'conflict',
      'Il link è scaduto: ripeti la modifica dell’indirizzo dal profilo.',
    );
  }
  return [
    {
      type: 'EmailChanged',
      data: {
        requestId: pending.requestId,
        previousEmail: state.email ?? '',
        email: pending.email,
      },
    },
  ];
}
