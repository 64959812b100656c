import { formatDate } from '../shared/italianDate.js';
import { addMonths, isYearMonth, monthLabel, monthsBetween, type YearMonth } from './months.js';
import {
  knownMunicipality,
  mustBeInstitutional,
  needsReason,
  normalEmail,
  type OfficerState,
} from './municipalityOfficer.js';
import { observatoryError } from './observatoryErrors.js';

/**
 * Beside its responsible user, a municipality may be filed for by a second user, only with the
 * Region's authorisation (document, reason, expiry: the seed's «esigenze particolari»), and by
 * named people of its waste collector, whom its users delegate the filing of a period to. Both live
 * on the municipality's stream, so its rules see every person who acts for it.
 */
export type MandateEvent =
  | {
      type: 'SecondUserAuthorised';
      data: {
        istatCode: string;
        fiscalCode: string;
        email: string;
        documentReference: string;
        reason: string;
        /** The last day it holds, 'YYYY-MM-DD'. */
        expiresOn: string;
        authorisedBy: string;
      };
    }
  | {
      type: 'SecondUserAuthorisationEnded';
      data: { istatCode: string; fiscalCode: string; endedBy: string; reason: string };
    }
  | {
      type: 'FilingDelegated';
      data: {
        istatCode: string;
        delegationId: string;
        fiscalCode: string;
        /** Any domain: the collector's own address. */
        email: string;
        collector: string;
        fromMonth: YearMonth;
        toMonth: YearMonth;
        delegatedBy: string;
      };
    }
  | {
      type: 'FilingDelegationRevoked';
      data: {
        istatCode: string;
        delegationId: string;
        fiscalCode: string;
        /** The delegate's address, told of the revocation. */
        email: string;
        revokedBy: string;
        reason: string;
      };
    };

export interface SecondUser {
  readonly email: string;
  readonly expiresOn: string;
}

export interface Delegation {
  readonly fiscalCode: string;
  readonly email: string;
  readonly fromMonth: YearMonth;
  readonly toMonth: YearMonth;
}

/** Recorded by an observatory admin, on the Region's authorisation. */
export interface AuthoriseSecondUser {
  readonly type: 'AuthoriseSecondUser';
  readonly istatCode: string;
  readonly adminId: string;
  readonly fiscalCode: string;
  readonly email: string;
  readonly documentReference: string;
  readonly reason: string;
  readonly expiresOn: string;
  /** 'YYYY-MM-DD' in Italy when the command is decided. */
  readonly today: string;
  readonly institutionalDomains: readonly string[];
}

export interface EndSecondUserAuthorisation {
  readonly type: 'EndSecondUserAuthorisation';
  readonly istatCode: string;
  readonly adminId: string;
  readonly fiscalCode: string;
  readonly reason: string;
}

/** By one of the municipality's own users (`byFiscalCode`), never by a delegate. */
export interface DelegateFiling {
  readonly type: 'DelegateFiling';
  readonly istatCode: string;
  readonly delegationId: string;
  readonly byFiscalCode: string;
  readonly fiscalCode: string;
  readonly email: string;
  readonly collector: string;
  readonly fromMonth: YearMonth;
  readonly toMonth: YearMonth;
  readonly today: string;
}

export interface RevokeFilingDelegation {
  readonly type: 'RevokeFilingDelegation';
  readonly istatCode: string;
  readonly delegationId: string;
  readonly byFiscalCode: string;
  readonly reason: string;
  readonly today: string;
}

export type MandateCommand =
  AuthoriseSecondUser | EndSecondUserAuthorisation | DelegateFiling | RevokeFilingDelegation;

/** The longest an authorisation or a delegation may run before it is renewed. */
export const longestAuthorisationYears = 3;
export const longestDelegationMonths = 24;

/** Whether the fiscal code is one of the municipality's own users today (not a delegate). */
export function isMunicipalityUser(state: OfficerState, fiscalCode: string, today: string) {
  if (state.fiscalCode === fiscalCode) return true;
  const second = state.secondUsers[fiscalCode];
  return second !== undefined && second.expiresOn >= today;
}

/**
 * Whether the fiscal code files for the municipality today in any capacity: as its user, as an
 * authorised second user or by a live delegation.
 */
export const filesFor = (state: OfficerState, fiscalCode: string, today: string): boolean =>
  isMunicipalityUser(state, fiscalCode, today) || liveDelegationOf(state, fiscalCode) !== undefined;

/** Whether a delegation lets its person file the month. */
export const delegationCovers = (delegation: Delegation, month: YearMonth): boolean =>
  month >= delegation.fromMonth && month <= delegation.toMonth;

const liveDelegationOf = (state: OfficerState, fiscalCode: string) =>
  Object.entries(state.delegations)
    .map(([id, delegation]) => ({ id, ...delegation }))
    .find((delegation) => delegation.fiscalCode === fiscalCode);

const isDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

export function authoriseSecondUser(
  command: AuthoriseSecondUser,
  state: OfficerState,
): MandateEvent[] {
  const { istatCode, fiscalCode, today } = command;
  const municipality = knownMunicipality(istatCode);
  if (!state.fiscalCode) {
    throw observatoryError(
      'NoOfficer',
      'conflict',
      `Il Comune di ${municipality.name} non ha un utente responsabile: associa prima quello.`,
      'codiceFiscale',
    );
  }
  if (isMunicipalityUser(state, fiscalCode, today)) {
    throw observatoryError(
      'AlreadyOfficer',
      'conflict',
      'Questo codice fiscale è già un utente del comune.',
      'codiceFiscale',
    );
  }
  mustBeInstitutional(command.email, command.institutionalDomains, municipality);
  if (command.documentReference.trim().length < 3) {
    throw observatoryError(
      'DocumentRequired',
      'validation',
      'Indicare il riferimento del documento di autorizzazione (protocollo o numero).',
      'documento',
    );
  }
  needsReason(command.reason);
  const latest = `${Number(today.slice(0, 4)) + longestAuthorisationYears}${today.slice(4)}`;
  if (!isDay(command.expiresOn) || command.expiresOn <= today || command.expiresOn > latest) {
    throw observatoryError(
      'ExpiryOutOfRange',
      'validation',
      `Indicare una scadenza successiva a oggi ed entro ${longestAuthorisationYears} anni.`,
      'scadenza',
    );
  }
  // A delegate of the municipality authorised as its second user keeps one mandate, the stronger.
  const delegated = liveDelegationOf(state, fiscalCode);
  const revoked: MandateEvent[] = delegated
    ? [
        {
          type: 'FilingDelegationRevoked',
          data: {
            istatCode,
            delegationId: delegated.id,
            fiscalCode,
            email: delegated.email,
            revokedBy: command.adminId,
            reason: 'Autorizzato come secondo utente del comune',
          },
        },
      ]
    : [];
  return [
    ...revoked,
    {
      type: 'SecondUserAuthorised',
      data: {
        istatCode,
        fiscalCode,
        email: normalEmail(command.email),
        documentReference: command.documentReference.trim(),
        reason: command.reason.trim(),
        expiresOn: command.expiresOn,
        authorisedBy: command.adminId,
      },
    },
  ];
}

export function endSecondUserAuthorisation(
  command: EndSecondUserAuthorisation,
  state: OfficerState,
): MandateEvent[] {
  if (!state.secondUsers[command.fiscalCode]) {
    throw observatoryError(
      'NoAuthorisation',
      'not-found',
      'Questo codice fiscale non ha un’autorizzazione per il comune.',
    );
  }
  needsReason(command.reason);
  return [
    {
      type: 'SecondUserAuthorisationEnded',
      data: {
        istatCode: command.istatCode,
        fiscalCode: command.fiscalCode,
        endedBy: command.adminId,
        reason: command.reason.trim(),
      },
    },
  ];
}

const mustBeMunicipalityUser = (state: OfficerState, fiscalCode: string, today: string) => {
  if (!isMunicipalityUser(state, fiscalCode, today)) {
    throw observatoryError(
      'NotOfficer',
      'forbidden',
      'Solo gli utenti del comune possono delegare la compilazione o revocare una delega.',
    );
  }
};

export function delegateFiling(command: DelegateFiling, state: OfficerState): MandateEvent[] {
  const { istatCode, fiscalCode, fromMonth, toMonth, today } = command;
  mustBeMunicipalityUser(state, command.byFiscalCode, today);
  if (isMunicipalityUser(state, fiscalCode, today)) {
    throw observatoryError(
      'AlreadyOfficer',
      'conflict',
      'Questo codice fiscale è già un utente del comune: non serve una delega.',
      'codiceFiscale',
    );
  }
  if (liveDelegationOf(state, fiscalCode) || state.delegations[command.delegationId]) {
    throw observatoryError(
      'AlreadyDelegated',
      'conflict',
      'Questa persona ha già una delega attiva: revocala prima di concederne una nuova.',
      'codiceFiscale',
    );
  }
  if (command.collector.trim().length < 2) {
    throw observatoryError(
      'CompanyRequired',
      'validation',
      'Indicare il gestore della raccolta per cui opera la persona delegata.',
      'gestore',
    );
  }
  if (!isYearMonth(fromMonth) || !isYearMonth(toMonth) || toMonth < fromMonth) {
    throw observatoryError(
      'PeriodOutOfRange',
      'validation',
      'Il mese finale non può precedere quello iniziale.',
      'al',
    );
  }
  if (monthsBetween(fromMonth, toMonth) >= longestDelegationMonths) {
    throw observatoryError(
      'PeriodOutOfRange',
      'validation',
      `Una delega copre al massimo ${longestDelegationMonths} mesi.`,
      'al',
    );
  }
  // A second user delegates no further than its own authorisation runs.
  const second = state.secondUsers[command.byFiscalCode];
  if (
    state.fiscalCode !== command.byFiscalCode &&
    second &&
    toMonth > second.expiresOn.slice(0, 7)
  ) {
    throw observatoryError(
      'PeriodOutOfRange',
      'validation',
      `La tua autorizzazione scade il ${formatDate(second.expiresOn)}: la delega può arrivare al più a ${monthLabel(second.expiresOn.slice(0, 7))}.`,
      'al',
    );
  }
  const lastFileable = addMonths(today.slice(0, 7), -1);
  if (toMonth < lastFileable) {
    throw observatoryError(
      'PeriodOutOfRange',
      'validation',
      `Il periodo è già concluso: il mese finale non può precedere ${monthLabel(lastFileable)}.`,
      'al',
    );
  }
  return [
    {
      type: 'FilingDelegated',
      data: {
        istatCode,
        delegationId: command.delegationId,
        fiscalCode,
        email: normalEmail(command.email),
        collector: command.collector.trim(),
        fromMonth,
        toMonth,
        delegatedBy: `cf:${command.byFiscalCode}`,
      },
    },
  ];
}

export function revokeFilingDelegation(
  command: RevokeFilingDelegation,
  state: OfficerState,
): MandateEvent[] {
  mustBeMunicipalityUser(state, command.byFiscalCode, command.today);
  const delegation = state.delegations[command.delegationId];
  if (!delegation) {
    throw observatoryError('NoDelegation', 'not-found', 'Delega non trovata o già revocata.');
  }
  needsReason(command.reason);
  return [
    {
      type: 'FilingDelegationRevoked',
      data: {
        istatCode: command.istatCode,
        delegationId: command.delegationId,
        fiscalCode: delegation.fiscalCode,
        email: delegation.email,
        revokedBy: `cf:${command.byFiscalCode}`,
        reason: command.reason.trim(),
      },
    },
  ];
}

export function decideMandate(command: MandateCommand, state: OfficerState): MandateEvent[] {
  switch (command.type) {
    case 'AuthoriseSecondUser':
      return authoriseSecondUser(command, state);
    case 'EndSecondUserAuthorisation':
      return endSecondUserAuthorisation(command, state);
    case 'DelegateFiling':
      return delegateFiling(command, state);
    case 'RevokeFilingDelegation':
      return revokeFilingDelegation(command, state);
  }
}

/** The record less one key. */
const without = <T>(record: Readonly<Record<string, T>>, key: string) =>
  Object.fromEntries(Object.entries(record).filter(([candidate]) => candidate !== key));

export function evolveMandates(state: OfficerState, event: MandateEvent): OfficerState {
  switch (event.type) {
    case 'SecondUserAuthorised': {
      const { fiscalCode, email, expiresOn } = event.data;
      return {
        ...state,
        secondUsers: { ...state.secondUsers, [fiscalCode]: { email, expiresOn } },
      };
    }
    case 'SecondUserAuthorisationEnded': {
      return { ...state, secondUsers: without(state.secondUsers, event.data.fiscalCode) };
    }
    case 'FilingDelegated': {
      const { delegationId, fiscalCode, email, fromMonth, toMonth } = event.data;
      const delegation = { fiscalCode, email, fromMonth, toMonth };
      return { ...state, delegations: { ...state.delegations, [delegationId]: delegation } };
    }
    case 'FilingDelegationRevoked': {
      return { ...state, delegations: without(state.delegations, event.data.delegationId) };
    }
  }
}

const mandateTypes: ReadonlySet<string> = new Set<MandateEvent['type']>([
  'SecondUserAuthorised',
  'SecondUserAuthorisationEnded',
  'FilingDelegated',
  'FilingDelegationRevoked',
]);

/** Whether an event of the municipality's stream is about its second users or delegates. */
export const isMandateEvent = <T extends { readonly type: string }>(
  event: T,
): event is Extract<T, { readonly type: MandateEvent['type'] }> => mandateTypes.has(event.type);
