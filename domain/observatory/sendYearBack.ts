import { addMonths, monthLabel } from './months.js';
import { observatoryError } from './observatoryErrors.js';
import type { YearEvent } from './yearEvents.js';
import {
  isFiled,
  mustBeClosed,
  type MonthFiling,
  type YearValidationState,
} from './yearValidation.js';

/**
 * SendYearBack: an observatory admin returns a closed year to the municipality with remarks,
 * naming the months to correct. Each of them is then unlocked on its own stream whatever the
 * 4-month window (ReturnMonthlyFlow). Sending back a validated year withdraws its certification,
 * and the event says which; a year sent back is validated again once its months are filed again.
 */
export interface SendYearBack {
  readonly type: 'SendYearBack';
  readonly istatCode: string;
  readonly year: number;
  readonly adminId: string;
  readonly now: Date;
  /** The months concerned, 1 (January) to 12 (December). */
  readonly months: readonly number[];
  readonly remarks: string;
  /** The twelve months as their streams stand now. */
  readonly filings: readonly MonthFiling[];
}

/** As long as the other reasons of the observatory (unlocks, associations). */
export const minRemarksLength = 10;

export function sendYearBack(command: SendYearBack, state: YearValidationState): YearEvent[] {
  const { istatCode, year } = command;
  mustBeClosed(year, command.now);
  const remarks = command.remarks.trim();
  if (remarks.length < minRemarksLength) {
    throw observatoryError(
      'ReasonRequired',
      'validation',
      `Indicare le osservazioni per il comune (almeno ${minRemarksLength} caratteri).`,
      'osservazioni',
    );
  }
  if (command.months.some((n) => !Number.isInteger(n) || n < 1 || n > 12)) {
    throw observatoryError(
      'MonthsRequired',
      'validation',
      'I mesi vanno da 1 (gennaio) a 12 (dicembre).',
      'mesi',
    );
  }
  const numbers = [...new Set(command.months)].sort((a, b) => a - b);
  if (numbers.length === 0) {
    throw observatoryError(
      'MonthsRequired',
      'validation',
      'Scegliere almeno un mese da correggere.',
      'mesi',
    );
  }
  const months = numbers.map((n) => addMonths(`${year}-01`, n - 1));
  const byMonth = new Map(command.filings.map((filing) => [filing.month, filing]));
  const open = months.find((month) => !isFiled(byMonth.get(month)));
  if (open) {
    throw observatoryError(
      'MonthNotFiled',
      'validation',
      `${capitalised(monthLabel(open))} non è un mese inviato e bloccato: il comune può già inviarlo o correggerlo. Si rinviano solo i mesi inviati.`,
      'mesi',
    );
  }
  const withdrawn =
    state.status === 'validated' && state.certifiedRate !== null && state.validatedBy !== null
      ? { certifiedRate: state.certifiedRate, validatedBy: state.validatedBy }
      : null;
  return [
    {
      type: 'YearSentBack',
      data: {
        istatCode,
        year,
        months,
        remarks,
        sentBackBy: command.adminId,
        withdrawnCertification: withdrawn,
      },
    },
  ];
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
