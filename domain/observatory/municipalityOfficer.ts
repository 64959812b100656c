import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import { exampleInstitutionalEmail, isInstitutionalEmail } from './institutionalEmail.js';
import { observatoryError } from './observatoryErrors.js';
import {
  decideMandate,
  evolveMandates,
  type Delegation,
  type MandateCommand,
  type MandateEvent,
  type SecondUser,
} from './municipalityMandates.js';
import { municipalityByIstat, type Municipality } from './reference/municipalities.js';

/**
 * Who files a municipality's months, in `municipality-<istat>`: its one responsible user (a person
 * may be the user of several municipalities), a second user only by the Region's authorisation,
 * and the people of its waste collector its users delegate the filing to (municipalityMandates.ts).
 */
export type OfficerEvent =
  | {
      type: 'OfficerAssigned';
      /** `reason` is absent from associations recorded before it was asked. */
      data: {
        istatCode: string;
        fiscalCode: string;
        email: string;
        assignedBy: string;
        reason?: string;
      };
    }
  | {
      type: 'OfficerAssignmentEnded';
      data: { istatCode: string; fiscalCode: string; endedBy: string; reason: string };
    }
  | {
      type: 'OfficerEmailChanged';
      data: {
        istatCode: string;
        fiscalCode: string;
        email: string;
        previousEmail: string;
        changedBy: string;
        reason: string;
      };
    }
  | MandateEvent;

export interface OfficerState {
  readonly fiscalCode: string | null;
  readonly email: string | null;
  /** Second users by fiscal code, each until its authorisation's expiry. */
  readonly secondUsers: Readonly<Record<string, SecondUser>>;
  /** Live delegations by id. */
  readonly delegations: Readonly<Record<string, Delegation>>;
}

interface OfficerCommandBase {
  readonly istatCode: string;
  readonly adminId: string;
}

export interface AssignOfficer extends OfficerCommandBase {
  readonly type: 'AssignOfficer';
  readonly fiscalCode: string;
  readonly email: string;
  readonly reason: string;
  /** Domain patterns of institutional addresses, from the configuration. */
  readonly institutionalDomains: readonly string[];
}

/** The association ends with no one in its place, e.g. the person left the municipality. */
export interface EndOfficerAssignment extends OfficerCommandBase {
  readonly type: 'EndOfficerAssignment';
  readonly reason: string;
}

export interface ChangeOfficerEmail extends OfficerCommandBase {
  readonly type: 'ChangeOfficerEmail';
  readonly email: string;
  readonly reason: string;
  readonly institutionalDomains: readonly string[];
}

export type OfficerCommand =
  AssignOfficer | EndOfficerAssignment | ChangeOfficerEmail | MandateCommand;

export const municipalityStream = streamCodec<[istatCode: string], OfficerEvent>(
  'municipality-',
  (istatCode) => istatCode,
);

export const normalEmail = (email: string) => email.trim().toLowerCase();

export function knownMunicipality(istatCode: string): Municipality {
  const municipality = municipalityByIstat(istatCode);
  if (!municipality) {
    throw observatoryError('MunicipalityUnknown', 'not-found', 'Comune non trovato.', 'comune');
  }
  return municipality;
}

/** The rule on the officer's address: null when it is on the municipality's own domain. */
export function institutionalEmailProblem(
  email: string,
  patterns: readonly string[],
  municipality: Municipality,
): string | null {
  if (isInstitutionalEmail(email, patterns, municipality)) return null;
  const example = exampleInstitutionalEmail(patterns, municipality);
  return `Sono accettati solo indirizzi e-mail istituzionali del Comune di ${municipality.name}${example ? ` (ad esempio ${example})` : ` (${patterns.join(', ')})`}.`;
}

export function mustBeInstitutional(
  email: string,
  patterns: readonly string[],
  municipality: Municipality,
): void {
  const problem = institutionalEmailProblem(email, patterns, municipality);
  if (problem) throw observatoryError('EmailNotInstitutional', 'validation', problem, 'email');
}

/** The rule on a reason (ending an association, changing the address): null when it is met. */
export const reasonProblem = (reason: string): string | null =>
  reason.trim().length < 10 ? 'Indicare il motivo (almeno 10 caratteri).' : null;

export const needsReason = (reason: string) => {
  const problem = reasonProblem(reason);
  if (problem) throw observatoryError('ReasonRequired', 'validation', problem, 'motivo');
};

const mustHaveOfficer = (state: OfficerState): string => {
  if (!state.fiscalCode) {
    throw observatoryError('NoOfficer', 'conflict', 'Il comune non ha un utente associato.');
  }
  return state.fiscalCode;
};

/**
 * Associates a fiscal code, whichever other municipalities it serves; replacing the current
 * officer ends the old association first.
 */
export function assignOfficer(command: AssignOfficer, state: OfficerState): OfficerEvent[] {
  const { istatCode, fiscalCode, adminId } = command;
  mustBeInstitutional(command.email, command.institutionalDomains, knownMunicipality(istatCode));
  needsReason(command.reason);
  if (state.fiscalCode === fiscalCode) {
    throw observatoryError(
      'AlreadyOfficer',
      'conflict',
      'Questo codice fiscale è già l’utente del comune.',
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
  // A second user who becomes the responsible one holds no authorisation any more.
  const promoted: OfficerEvent[] = state.secondUsers[fiscalCode]
    ? [
        {
          type: 'SecondUserAuthorisationEnded',
          data: {
            istatCode,
            fiscalCode,
            endedBy: adminId,
            reason: 'Diventato utente responsabile del comune',
          },
        },
      ]
    : [];
  return [
    ...ended,
    ...promoted,
    {
      type: 'OfficerAssigned',
      data: {
        istatCode,
        fiscalCode,
        email: normalEmail(command.email),
        assignedBy: adminId,
        reason: command.reason.trim(),
      },
    },
  ];
}

/** EndOfficerAssignment: the municipality is left without a user until a new one is associated. */
export function endOfficerAssignment(
  command: EndOfficerAssignment,
  state: OfficerState,
): OfficerEvent[] {
  const fiscalCode = mustHaveOfficer(state);
  needsReason(command.reason);
  return [
    {
      type: 'OfficerAssignmentEnded',
      data: {
        istatCode: command.istatCode,
        fiscalCode,
        endedBy: command.adminId,
        reason: command.reason.trim(),
      },
    },
  ];
}

/** ChangeOfficerEmail: the contact address of the same person, still institutional. */
export function changeOfficerEmail(
  command: ChangeOfficerEmail,
  state: OfficerState,
): OfficerEvent[] {
  const fiscalCode = mustHaveOfficer(state);
  const email = normalEmail(command.email);
  mustBeInstitutional(email, command.institutionalDomains, knownMunicipality(command.istatCode));
  if (email === state.email) {
    throw observatoryError(
      'SameEmail',
      'validation',
      'È già l’indirizzo del comune: indicane uno diverso.',
      'email',
    );
  }
  needsReason(command.reason);
  return [
    {
      type: 'OfficerEmailChanged',
      data: {
        istatCode: command.istatCode,
        fiscalCode,
        email,
        previousEmail: state.email ?? '',
        changedBy: command.adminId,
        reason: command.reason.trim(),
      },
    },
  ];
}

export function evolveOfficer(state: OfficerState, event: OfficerEvent): OfficerState {
  switch (event.type) {
    case 'OfficerAssigned':
      return { ...state, fiscalCode: event.data.fiscalCode, email: event.data.email };
    case 'OfficerAssignmentEnded':
      return state.fiscalCode === event.data.fiscalCode
        ? { ...state, fiscalCode: null, email: null }
        : state;
    case 'OfficerEmailChanged':
      return state.fiscalCode === event.data.fiscalCode
        ? { ...state, email: event.data.email }
        : state;
    default:
      return evolveMandates(state, event);
  }
}

export const officerDecider: Decider<OfficerState, OfficerCommand, OfficerEvent> = {
  initialState: () => ({ fiscalCode: null, email: null, secondUsers: {}, delegations: {} }),
  evolve: evolveOfficer,
  decide(command, state) {
    switch (command.type) {
      case 'AssignOfficer':
        return assignOfficer(command, state);
      case 'EndOfficerAssignment':
        return endOfficerAssignment(command, state);
      case 'ChangeOfficerEmail':
        return changeOfficerEmail(command, state);
      default:
        return decideMandate(command, state);
    }
  },
};
