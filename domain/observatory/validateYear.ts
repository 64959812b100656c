import { monthLabel } from './months.js';
import { observatoryError } from './observatoryErrors.js';
import { separateCollectionRate } from './reference/separateCollection.js';
import type { YearEvent } from './yearEvents.js';
import {
  isFiled,
  monthList,
  monthsOfYear,
  mustBeClosed,
  type MonthFiling,
  type YearValidationState,
} from './yearValidation.js';

/**
 * ValidateYear: an observatory admin certifies a municipality's year. Only a closed year (from
 * 1 January of the next, Italian calendar), only with all twelve months filed and none waiting
 * for an unlock; the rate is computed here from the months as filed and recorded with the totals
 * and the versions it comes from, so the certified figure never moves with later corrections.
 */
export interface ValidateYear {
  readonly type: 'ValidateYear';
  readonly istatCode: string;
  readonly year: number;
  readonly adminId: string;
  readonly now: Date;
  /** The twelve months as their streams stand now. */
  readonly filings: readonly MonthFiling[];
}

const kilograms = (tonnes: number) => Math.round(tonnes * 1000);

export function validateYear(command: ValidateYear, state: YearValidationState): YearEvent[] {
  const { istatCode, year } = command;
  mustBeClosed(year, command.now);
  if (state.status === 'validated') {
    throw observatoryError(
      'YearAlreadyValidated',
      'conflict',
      `L’anno ${year} è già validato: per riaprirlo, rinvialo con osservazioni.`,
      'anno',
    );
  }
  const byMonth = new Map(command.filings.map((filing) => [filing.month, filing]));
  const months = monthsOfYear(year);
  const missing = months.filter((month) => !isFiled(byMonth.get(month)));
  if (missing.length > 0) {
    throw observatoryError(
      'MonthsNotFiled',
      'validation',
      `Non si può validare il ${year}: ${missing.length === 1 ? 'manca il mese' : `mancano ${missing.length} mesi`} (${monthList(missing)}), non inviati o sbloccati e non ancora inviati di nuovo. Si valida un anno con tutti i 12 mesi inviati.`,
      'anno',
    );
  }
  const pending = months.find((month) => byMonth.get(month)?.status === 'unlock-requested');
  if (pending) {
    throw observatoryError(
      'UnlockPending',
      'conflict',
      `Il comune ha chiesto lo sblocco di ${monthLabel(pending)}: decidi la richiesta prima di validare l’anno.`,
      'anno',
    );
  }
  const filed = months.map((month) => byMonth.get(month)!);
  const figures = separateCollectionRate(filed.flatMap((filing) => filing.rows));
  if (figures.rate === null) {
    throw observatoryError(
      'NothingToCertify',
      'validation',
      `I mesi del ${year} non contengono rifiuti che contano per la raccolta differenziata: non c’è una percentuale da certificare.`,
      'anno',
    );
  }
  return [
    {
      type: 'YearValidated',
      data: {
        istatCode,
        year,
        certifiedRate: figures.rate,
        separateKg: kilograms(figures.separate),
        unsortedKg: kilograms(figures.unsorted),
        neutralKg: kilograms(figures.neutral),
        months: filed.map(({ month, version }) => ({ month, version })),
        validatedBy: command.adminId,
      },
    },
  ];
}
