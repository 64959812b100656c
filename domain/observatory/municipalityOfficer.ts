import type { Decider } from '../shared/decider.js';
import { isInstitutionalEmail } from './institutionalEmail.js';
import { observatoryError } from './observatoryErrors.js';

/** One user per municipality: `municipality-<istat>` holds who files its months. */
export type OfficerEvent =
  | {
      type: 'OfficerAssigned';
      data: { istatCode: string; fiscalCode: string; email: string; assignedBy: string };
    }
  | {
      type: 'OfficerAssignmentEnded';
      data: { istatCode: string; fiscalCode: string; endedBy: string; reason: string };
    };

export interface OfficerState {
  readonly fiscalCode: string | null;
}

export interface AssignOfficer {
  readonly type: 'AssignOfficer';
  readonly istatCode: string;
  readonly fiscalCode: string;
  readonly email: string;
  readonly adminId: string;
  /** Domain patterns of institutional addresses, from the configuration. */
  readonly institutionalDomains: readonly string[];
  /** Whether this fiscal code already serves another municipality (from the read model). */
  readonly officerElsewhere: string | null;
}

export const municipalityStreamId = (istatCode: string): string => `municipality-${istatCode}`;

/** Associates a fiscal code; replacing the current officer ends the old association first. */
export function assignOfficer(command: AssignOfficer, state: OfficerState): OfficerEvent[] {
  const { istatCode, fiscalCode, email, adminId } = command;
  if (!isInstitutionalEmail(email, command.institutionalDomains)) {
    throw observatoryError(
      'EmailNotInstitutional',
      'validation',
      `Sono accettati solo indirizzi e-mail istituzionali del comune (${command.institutionalDomains.join(', ')}).`,
      'email',
    );
  }
  if (state.fiscalCode === fiscalCode) {
    throw observatoryError(
      'AlreadyOfficer',
      'conflict',
      'Questo codice fiscale è già l’utente del comune.',
      'codiceFiscale',
    );
  }
  if (command.officerElsewhere) {
    throw observatoryError(
      'AlreadyOfficer',
      'conflict',
      `Questo codice fiscale è già associato al comune ${command.officerElsewhere}: una persona opera per un solo comune.`,
      'codiceFiscale',
    );
  }
  const ended: OfficerEvent[] = state.fiscalCode
    ? [
        {
          type: 'OfficerAssignmentEnded',
          data: {
            istatCode,
            fiscalCode: state.fiscalCode,
            endedBy: adminId,
            reason: 'Sostituito da un nuovo utente',
          },
        },
      ]
    : [];
  return [
    ...ended,
    {
      type: 'OfficerAssigned',
      data: { istatCode, fiscalCode, email: email.trim().toLowerCase(), assignedBy: adminId },
    },
  ];
}

export const officerDecider: Decider<OfficerState, AssignOfficer, OfficerEvent> = {
  initialState: () => ({ fiscalCode: null }),
  evolve: (state, event) =>
    event.type === 'OfficerAssigned'
      ? { fiscalCode: event.data.fiscalCode }
      : state.fiscalCode === event.data.fiscalCode
        ? { fiscalCode: null }
        : state,
  decide: assignOfficer,
};
