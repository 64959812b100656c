import type { FlowRow } from './flowEvents.js';
import type { FlowStatus } from './monthlyFlow.js';
import { addMonths, monthLabel, romeDay, type YearMonth } from './months.js';
import { observatoryError } from './observatoryErrors.js';
import type { YearEvent } from './yearEvents.js';

export type YearStatus = 'open' | 'validated' | 'sent-back';

export interface YearValidationState {
  readonly status: YearStatus;
  readonly certifiedRate: number | null;
  readonly validatedBy: string | null;
  /** The months and remarks of the last send-back. */
  readonly returnedMonths: readonly YearMonth[];
  readonly remarks: string | null;
}

/**
 * A month as its stream stands when the Region decides: the handler reads the twelve streams and
 * hands them to the decider, which computes from them (a month it is not given counts as empty).
 */
export interface MonthFiling {
  readonly month: YearMonth;
  readonly status: FlowStatus;
  /** Submitted versions so far; while the month is locked its rows are the last version's. */
  readonly version: number;
  readonly rows: readonly FlowRow[];
}

/** The twelve months of a year, January first. */
export const monthsOfYear = (year: number): YearMonth[] =>
  Array.from({ length: 12 }, (_, index) => addMonths(`${year}-01`, index));

/** A month filed and locked: its last version is what the municipality stands by. */
export const isFiled = (filing: Pick<MonthFiling, 'status'> | undefined): boolean =>
  filing?.status === 'submitted' || filing?.status === 'unlock-requested';

/** The first day (Italian calendar) the Region may decide on a year: 1 January of the next. */
export const decisionOpensOn = (year: number): string => `${year + 1}-01-01`;

/** Whether the year has closed in Italy at that instant (its December is over). */
export const isYearClosed = (year: number, now: Date): boolean =>
  romeDay(now) >= decisionOpensOn(year);

/** Only a closed year is decided on. */
export function mustBeClosed(year: number, now: Date): void {
  if (!isYearClosed(year, now)) {
    throw observatoryError(
      'YearNotClosed',
      'validation',
      `L’anno ${year} non è ancora chiuso: la Regione lo valida o lo rinvia dal 1° gennaio ${year + 1}.`,
      'anno',
    );
  }
}

/** "marzo 2025, aprile 2025" */
export const monthList = (months: readonly YearMonth[]): string =>
  months.map(monthLabel).join(', ');

export const initialYearState = (): YearValidationState => ({
  status: 'open',
  certifiedRate: null,
  validatedBy: null,
  returnedMonths: [],
  remarks: null,
});

export function evolveYear(state: YearValidationState, event: YearEvent): YearValidationState {
  switch (event.type) {
    case 'YearValidated':
      return {
        ...state,
        status: 'validated',
        certifiedRate: event.data.certifiedRate,
        validatedBy: event.data.validatedBy,
      };
    case 'YearSentBack':
      return {
        status: 'sent-back',
        certifiedRate: null,
        validatedBy: null,
        returnedMonths: event.data.months,
        remarks: event.data.remarks,
      };
  }
}
