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

/** A rule of the month's rows that one row breaks: `index` in the rows, `field` of the form. */
export interface RowIssue {
  readonly index: number;
  readonly field: 'tonnellate' | 'eerCode';
  readonly code: 'QuantityOutOfRange' | 'DuplicateRow';
  readonly message: string;
  /** For a repeated row: the index of the row it repeats. */
  readonly repeats?: number;
}

/** Each row whose quantity is not a positive amount of at most maxRowTonnes. */
function quantityIssues(rows: readonly FlowRow[]): RowIssue[] {
  return rows.flatMap((row, index): RowIssue[] => {
    const issue = (message: string): RowIssue[] => [
      { index, field: 'tonnellate', code: 'QuantityOutOfRange', message },
    ];
    if (!Number.isFinite(row.tonnes) || row.tonnes <= 0)
      return issue('La quantità deve essere maggiore di zero.');
    return row.tonnes > maxRowTonnes ? issue(quantityTooLarge) : [];
  });
}

const rowKey = (row: FlowRow) =>
  [
    row.eerCode,
    row.collectionMethod,
    row.transporter.toLowerCase(),
    row.destinationPlant.toLowerCase(),
    row.operation,
  ].join('|');

/** Each row alike in everything but the quantity to an earlier one: they should be one row. */
function duplicateIssues(rows: readonly FlowRow[]): RowIssue[] {
  const seen = new Map<string, number>();
  return rows.flatMap((row, index): RowIssue[] => {
    const key = rowKey(row);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return [];
    }
    const message = 'Questa riga ripete una riga precedente: somma le quantità in una sola riga.';
    return [{ index, field: 'eerCode', code: 'DuplicateRow', message, repeats: first }];
  });
}

/**
 * Every row that breaks a rule of the month's rows: the quantities first, then the repeated rows.
 * The decider refuses a command with the first; a file import shows them all.
 */
export const rowIssues = (rows: readonly FlowRow[]): RowIssue[] => [
  ...quantityIssues(rows),
  ...duplicateIssues(rows),
];

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
  const [issue] = rowIssues(command.rows);
  if (issue) {
    throw observatoryError(
      issue.code,
      'validation',
      issue.message,
      `righe[${issue.index}][${issue.field}]`,
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
