import type { FlowEvent, FlowRow } from './flowEvents.js';
import {
  daysLate,
  dueDate,
  fundingThresholdDays,
  monthLabel,
  monthsBetween,
  monthOf,
  type YearMonth,
} from './months.js';
import { isLocked, type MonthlyFlowState } from './monthlyFlow.js';
import { observatoryError } from './observatoryErrors.js';

interface FlowCommand {
  readonly istatCode: string;
  readonly month: YearMonth;
  /** `cf:<fiscal code>` of the municipality's officer. */
  readonly officerId: string;
  readonly rows: readonly FlowRow[];
  readonly now: Date;
}

export interface SaveFlowDraft extends FlowCommand {
  readonly type: 'SaveFlowDraft';
}

export interface SubmitMonthlyFlow extends FlowCommand {
  readonly type: 'SubmitMonthlyFlow';
}

/**
 * The most one row may carry in a month. Bari, the largest municipality of the region, collects
 * about 13,000 t a month in all: a row above this is a typing or unit error (kilograms typed as
 * tonnes), and it would weigh on the regional rate and the landfill tax.
 */
export const maxRowTonnes = 100_000;

export const quantityTooLarge =
  'La quantità non può superare 100.000 tonnellate in una riga: controlla l’unità di misura (tonnellate, non chilogrammi).';

/** The first row whose quantity is not a positive amount of at most maxRowTonnes, if any. */
function quantityError(rows: readonly FlowRow[]): { index: number; message: string } | null {
  for (const [index, row] of rows.entries()) {
    if (!Number.isFinite(row.tonnes) || row.tonnes <= 0) {
      return { index, message: 'La quantità deve essere maggiore di zero.' };
    }
    if (row.tonnes > maxRowTonnes) {
      return { index, message: quantityTooLarge };
    }
  }
  return null;
}

const rowKey = (row: FlowRow) =>
  [
    row.eerCode,
    row.collectionMethod,
    row.transporter.toLowerCase(),
    row.destinationPlant.toLowerCase(),
    row.operation,
  ].join('|');

/** Two rows alike in everything but the quantity should be one row. */
export function duplicateRowIndex(rows: readonly FlowRow[]): number | null {
  const seen = new Set<string>();
  for (const [index, row] of rows.entries()) {
    const key = rowKey(row);
    if (seen.has(key)) return index;
    seen.add(key);
  }
  return null;
}

function mustBeEditable(command: FlowCommand, state: MonthlyFlowState): void {
  if (monthsBetween(command.month, monthOf(command.now)) < 0) {
    throw observatoryError(
      'MonthNotEnded',
      'validation',
      `Il mese di ${monthLabel(command.month)} non è ancora iniziato.`,
      'mese',
    );
  }
  if (isLocked(state)) {
    throw observatoryError(
      'FlowLocked',
      'conflict',
      `Il mese di ${monthLabel(command.month)} è già stato inviato ed è bloccato: per modificarlo chiedi lo sblocco.`,
    );
  }
  const quantity = quantityError(command.rows);
  if (quantity) {
    throw observatoryError(
      'QuantityOutOfRange',
      'validation',
      quantity.message,
      `righe[${quantity.index}][tonnellate]`,
    );
  }
  const duplicate = duplicateRowIndex(command.rows);
  if (duplicate !== null) {
    throw observatoryError(
      'DuplicateRow',
      'validation',
      'Questa riga ripete una riga precedente: somma le quantità in una sola riga.',
      `righe[${duplicate}][eerCode]`,
    );
  }
}

export function saveFlowDraft(command: SaveFlowDraft, state: MonthlyFlowState): FlowEvent[] {
  mustBeEditable(command, state);
  const { istatCode, month, officerId } = command;
  return [
    {
      type: 'FlowDraftSaved',
      data: { istatCode, month, rows: [...command.rows], savedBy: officerId },
    },
  ];
}

/** SubmitMonthlyFlow: the month is filed (once it has ended), locked, and marked if late. */
export function submitMonthlyFlow(
  command: SubmitMonthlyFlow,
  state: MonthlyFlowState,
): FlowEvent[] {
  mustBeEditable(command, state);
  if (monthsBetween(command.month, monthOf(command.now)) < 1) {
    throw observatoryError(
      'MonthNotEnded',
      'validation',
      `Il mese di ${monthLabel(command.month)} non è ancora concluso: potrai inviarlo dal primo giorno del mese successivo (intanto salva la bozza).`,
      'mese',
    );
  }
  if (command.rows.length === 0) {
    throw observatoryError(
      'NoRows',
      'validation',
      'Inserire almeno una riga con i rifiuti raccolti nel mese.',
      'righe',
    );
  }
  const late = daysLate(command.month, command.now);
  const first = state.versions === 0;
  return [
    {
      type: 'MonthlyFlowSubmitted',
      data: {
        istatCode: command.istatCode,
        month: command.month,
        version: state.versions + 1,
        rows: [...command.rows],
        submittedBy: command.officerId,
        submittedAt: command.now.toISOString(),
        dueDate: dueDate(command.month),
        daysLate: late,
        affectsFunding: first && late > fundingThresholdDays,
      },
    },
  ];
}
