import { singleStream } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import { observatoryError } from './observatoryErrors.js';

/** Admins of the observatory, granted by another admin or the command line. */
export type AdminEvent =
  | { type: 'ObservatoryAdminGranted'; data: { fiscalCode: string; grantedBy: string } }
  | {
      type: 'ObservatoryAdminRevoked';
      /** `reason` since revocations have one (the first ones were made without). */
      data: { fiscalCode: string; revokedBy: string; reason?: string };
    };

export type AdminCommand =
  | { type: 'GrantObservatoryAdmin'; fiscalCode: string; by: string }
  | { type: 'RevokeObservatoryAdmin'; fiscalCode: string; by: string; reason: string };

export interface AdminsState {
  readonly admins: readonly string[];
}

export const observatoryAdminsStream = singleStream<AdminEvent>('observatory-admins');

export const observatoryAdminsDecider: Decider<AdminsState, AdminCommand, AdminEvent> = {
  initialState: () => ({ admins: [] }),
  evolve(state, event) {
    return event.type === 'ObservatoryAdminGranted'
      ? { admins: [...state.admins, event.data.fiscalCode] }
      : { admins: state.admins.filter((code) => code !== event.data.fiscalCode) };
  },
  decide(command, state) {
    const { fiscalCode, by } = command;
    if (command.type === 'GrantObservatoryAdmin') {
      if (state.admins.includes(fiscalCode)) {
        throw observatoryError(
          'AlreadyAdmin',
          'conflict',
          'Questo codice fiscale è già amministratore.',
          'codiceFiscale',
        );
      }
      return [{ type: 'ObservatoryAdminGranted', data: { fiscalCode, grantedBy: by } }];
    }
    if (!state.admins.includes(fiscalCode)) {
      throw observatoryError(
        'NotAdmin',
        'not-found',
        'Questo codice fiscale non è amministratore.',
        'codiceFiscale',
      );
    }
    if (state.admins.length === 1) {
      throw observatoryError(
        'LastAdmin',
        'conflict',
        'Non si può revocare l’ultimo amministratore: prima aggiungine un altro.',
        'motivo',
      );
    }
    const reason = command.reason.trim();
    if (reason.length < 10) {
      throw observatoryError(
        'ReasonRequired',
        'validation',
        'Indicare il motivo (almeno 10 caratteri).',
        'motivo',
      );
    }
    return [{ type: 'ObservatoryAdminRevoked', data: { fiscalCode, revokedBy: by, reason } }];
  },
};
