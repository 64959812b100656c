import { z } from 'zod';
import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';
import { parseForm, type FieldErrors } from '../platform/http/forms.js';
import { line, paragraph } from '../platform/http/text.js';
import {
  declarationTables,
  filledRows,
  maxOnlineRows,
  rowInputs,
  summaryInputs,
  type CellInput,
  type CellTable,
  type CellTexts,
} from './workbooks/declarationCells.js';
import { declarationSheets, FIRST_DATA_ROW } from './workbooks/declarationLayout.js';

/*
 * «Compila online»: the declaration workbook's input cells as a form. Each input is named by its
 * sheet's key and its cell (fonti[C2]); what is typed is the cell's text, read by the workbook
 * reader, so the form gives the upload's messages for the same figures.
 */

/** The form's name for each sheet. */
const sheetKeys = {
  dichiarazione: declarationSheets.summary,
  fonti: declarationSheets.sources,
  contatori: declarationSheets.dischargeMeters,
  detrazioni: declarationSheets.deductions,
} as const;
type SheetKey = keyof typeof sheetKeys;
const keyOfSheet = new Map<string, string>(
  Object.entries(sheetKeys).map(([key, sheet]) => [sheet, key]),
);

export const nameOf = (input: { sheet: string; cell: string }): string =>
  `${keyOfSheet.get(input.sheet)}[${input.cell}]`;
const idOf = (input: { sheet: string; cell: string }): string =>
  `${keyOfSheet.get(input.sheet)}-${input.cell}`;

const lastRow = FIRST_DATA_ROW + maxOnlineRows - 1;
const tableCell = (table: CellTable) =>
  new RegExp(`^[${table.columns.map((c) => c.letter).join('')}](\\d{1,3})$`);
const tableSchema = (table: CellTable) =>
  z
    .record(
      z.string().refine((ref) => {
        const row = Number(tableCell(table).exec(ref)?.[1]);
        return row >= FIRST_DATA_ROW && row <= lastRow;
      }, 'Il modulo contiene un campo non valido.'),
      line(200),
    )
    .default({});

const addActions = ['aggiungi-fonti', 'aggiungi-contatori', 'aggiungi-detrazioni'] as const;

/** What the form asks for: save, download, check one field, or add a row. */
const controlSchema = z.object({
  azione: z.enum(['salva', 'excel', 'verifica', ...addActions]).catch('salva'),
  campo: z.string().max(40).optional().catch(undefined),
  ...Object.fromEntries(
    Object.keys(sheetKeys).map((key) => [
      `righe-${key}`,
      z.coerce.number().int().min(1).max(maxOnlineRows).catch(1),
    ]),
  ),
});

/** Every cell of the form; anything else in the body is a field we never drew. */
const cellsSchema = z.object({
  dichiarazione: z
    .strictObject(
      { B10: line(40).optional(), B11: line(40).optional(), B12: paragraph(1000).optional() },
      { error: 'Il modulo contiene un campo non valido.' },
    )
    .default({}),
  ...Object.fromEntries(
    declarationTables.map((table) => [keyOfSheet.get(table.sheet)!, tableSchema(table)]),
  ),
});

export interface OnlineForm {
  readonly action: z.output<typeof controlSchema>['azione'];
  /** The field an htmx check asks about. */
  readonly field: string | null;
  readonly texts: CellTexts;
  /** Rows each table showed, by sheet, so that the empty ones added stay. */
  readonly rows: Readonly<Record<string, number>>;
  /** Fields refused before any reading: too long, control characters, unknown names. */
  readonly errors: FieldErrors;
}

/** The posted form (nested by nestFields): the cells' texts, and an error beside each refused. */
export function readOnlineForm(body: Record<string, unknown>): OnlineForm {
  const control = controlSchema.parse(body) as z.output<typeof controlSchema> &
    Record<string, number>;
  const cells = parseForm(cellsSchema, body);
  const values = (key: SheetKey): Record<string, unknown> =>
    cells.ok
      ? ((cells.data as Record<SheetKey, Record<string, unknown>>)[key] ?? {})
      : safeCells(body[key]);
  const texts = new Map(
    (Object.keys(sheetKeys) as SheetKey[]).map((key) => [
      sheetKeys[key],
      new Map(
        Object.entries(values(key)).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
    ]),
  );
  return {
    action: control.azione,
    field: control.campo ?? null,
    texts,
    rows: Object.fromEntries(
      (Object.keys(sheetKeys) as SheetKey[]).map((key) => [
        sheetKeys[key],
        control[`righe-${key}`] ?? 1,
      ]),
    ),
    errors: cells.ok ? {} : cells.errors,
  };
}

/** A refused form keeps what it can show again: strings only, of a sane size. */
function safeCells(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] =>
        /^[A-Z]\d{1,3}$/.test(entry[0]) && typeof entry[1] === 'string' && entry[1].length <= 1000,
    ),
  );
}

/** The table a «+ Aggiungi riga» button names. */
export const addedTable = (action: OnlineForm['action']): string | null =>
  action.startsWith('aggiungi-') ? sheetKeys[action.slice(9) as SheetKey] : null;

/** Each issue of a cell beside its field, by the field's name; the others for the summary. */
export function issuesByField(issues: readonly WorkbookIssue[]): {
  byField: Record<string, WorkbookIssue>;
  general: WorkbookIssue[];
} {
  const byField: Record<string, WorkbookIssue> = {};
  const general: WorkbookIssue[] = [];
  for (const issue of issues) {
    const named = issue.sheet && issue.cell && keyOfSheet.has(issue.sheet);
    if (named) byField[nameOf({ sheet: issue.sheet, cell: issue.cell })] ??= issue;
    else general.push(issue);
  }
  return { byField, general };
}

/** One input as the page draws it. */
export interface FieldView extends CellInput {
  readonly name: string;
  readonly id: string;
  readonly value: string;
  readonly error: string | null;
  readonly warning: string | null;
  /** A table's cell: labelled by its column and row, not by a label above it. */
  readonly row: number | null;
}

export interface OnlineView {
  readonly summary: readonly FieldView[];
  readonly tables: readonly {
    readonly key: string;
    readonly title: string;
    readonly headers: readonly string[];
    readonly rows: readonly (readonly FieldView[])[];
  }[];
}

/** The form's fields with the texts typed and the messages for each. */
export function onlineView(
  texts: CellTexts,
  messages: { refused: FieldErrors; issues: readonly WorkbookIssue[] },
  rows: Readonly<Record<string, number>>,
): OnlineView {
  const { byField } = issuesByField(messages.issues);
  const field = (input: CellInput, row: number | null = null): FieldView => {
    const name = nameOf(input);
    const issue = byField[name];
    return {
      ...input,
      name,
      id: idOf(input),
      value: texts.get(input.sheet)?.get(input.cell) ?? '',
      error: messages.refused[name] ?? (issue?.severity === 'error' ? issue.problem : null),
      warning: issue?.severity === 'warning' ? issue.problem : null,
      row,
    };
  };
  return {
    summary: summaryInputs.map((input) => field(input)),
    tables: declarationTables.map((table) => {
      // Every row up to the last one typed, and at least as many as the page showed.
      const typed = (filledRows(texts, table).at(-1) ?? FIRST_DATA_ROW - 1) - FIRST_DATA_ROW + 1;
      const shown = Math.min(maxOnlineRows, Math.max(typed, rows[table.sheet] ?? 1));
      return {
        key: keyOfSheet.get(table.sheet)!,
        title: table.sheet,
        headers: table.columns.map((column) => column.header),
        rows: Array.from({ length: shown }, (_, i) =>
          rowInputs(table, FIRST_DATA_ROW + i).map((input) => field(input, i + 1)),
        ),
      };
    }),
  };
}

/** The one field an htmx check redraws, by its name. */
export const fieldOf = (view: OnlineView, name: string): FieldView | undefined =>
  [...view.summary, ...view.tables.flatMap((table) => table.rows.flat())].find(
    (field) => field.name === name,
  );
