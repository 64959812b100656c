import type { Workbook } from 'exceljs';
import { analysesSheets, parameterChoice, resultColumns } from './analysesLayout.js';
import { NO, YES } from './cellReader.js';
import { italianDate, parseDateText, parseNumberText, serialToIsoDate } from './cellText.js';
import {
  declarationSheets,
  deductionCategoryLabels,
  deductionColumns,
  dischargeMeterColumns,
  FIRST_DATA_ROW,
  sourceColumns,
  summaryFields,
  waterSourceKindLabels,
  type Column,
} from './declarationLayout.js';
import type { OpenedWorkbook } from './openWorkbook.js';
import type { Cell, Sheet } from './sheetCells.js';
import type { TemplateContext, WorkbookKind } from './templateContext.js';

/*
 * A workbook's input cells as text, as a person types them: the online form edits them, the
 * template writes them into a workbook, and the workbook reader reads them back, so a figure typed
 * online and one typed in Excel meet the same reader, the same rules and the same messages.
 */

/** Text by A1 reference, per sheet name. */
export type CellTexts = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** An input of an online form: which cell it fills and how it is typed. */
export interface CellInput {
  readonly sheet: string;
  readonly cell: string;
  readonly label: string;
  readonly input: Column['input'] | 'paragraph';
  readonly required: boolean;
  /** The choices of a list, as the workbook's drop-down offers them. */
  readonly options: readonly string[];
}

/** A table of the workbook as the form shows it: its columns, one row of inputs per line. */
export interface CellTable {
  readonly sheet: string;
  readonly columns: readonly Column[];
  /** The drop-down's choices of a list column, from what the portal knows. */
  readonly options: (column: Column, ctx: TemplateContext) => readonly string[];
}

/** One workbook as a form: the inputs outside tables, the tables, and the portal's own cells. */
export interface CellForm {
  readonly kind: Extract<WorkbookKind, 'dichiarazione' | 'analisi'>;
  /** Every sheet the reader reads. */
  readonly sheets: readonly string[];
  readonly singles: readonly CellInput[];
  readonly tables: readonly CellTable[];
  /** What the portal writes into the grey cells: the reader checks them as an upload's. */
  readonly prefilled: (ctx: TemplateContext) => readonly (readonly [string, string, string])[];
}

const single = (
  field: { cell: string; label: string },
  input: CellInput['input'],
  required: boolean,
): CellInput => ({ ...field, sheet: declarationSheets.summary, input, required, options: [] });

const declarationOptions = (column: Column): readonly string[] => {
  if (column.input === 'yesNo') return [YES, NO];
  if (column.key === 'kind') return Object.values(waterSourceKindLabels);
  if (column.key === 'category') return Object.values(deductionCategoryLabels);
  return [];
};

export const declarationForm: CellForm = {
  kind: 'dichiarazione',
  sheets: [
    declarationSheets.summary,
    declarationSheets.sources,
    declarationSheets.dischargeMeters,
    declarationSheets.deductions,
  ],
  singles: [
    single(summaryFields.dischargedVolume, 'number', true),
    single(summaryFields.productionDays, 'number', true),
    single(summaryFields.notes, 'paragraph', false),
  ],
  tables: [
    { sheet: declarationSheets.sources, columns: sourceColumns, options: declarationOptions },
    {
      sheet: declarationSheets.dischargeMeters,
      columns: dischargeMeterColumns,
      options: declarationOptions,
    },
    { sheet: declarationSheets.deductions, columns: deductionColumns, options: declarationOptions },
  ],
  prefilled: (ctx) =>
    (
      [
        [summaryFields.companyName.cell, ctx.companyName],
        [summaryFields.customerCode.cell, ctx.customerCode],
        [summaryFields.contractNumber.cell, ctx.contractNumber],
        [summaryFields.plantAddress.cell, ctx.plantAddress],
        [summaryFields.year.cell, String(ctx.year)],
      ] as const
    ).map(([cell, text]) => [declarationSheets.summary, cell, text] as const),
};

export const analysesForm: CellForm = {
  kind: 'analisi',
  sheets: [analysesSheets.results],
  singles: [],
  tables: [
    {
      sheet: analysesSheets.results,
      columns: resultColumns,
      options: (column, ctx) =>
        column.key === 'parameter'
          ? ctx.limits.map(parameterChoice)
          : column.key === 'unit'
            ? [...new Set(ctx.limits.map((limit) => limit.unit))]
            : [],
    },
  ],
  prefilled: () => [],
};

/** The inputs of a table's row (the first data row is 2, under the header). */
export const rowInputs = (table: CellTable, row: number, ctx: TemplateContext): CellInput[] =>
  table.columns.map((column) => ({
    sheet: table.sheet,
    cell: `${column.letter}${row}`,
    label: column.header,
    input: column.input,
    required: column.required,
    options: table.options(column, ctx),
  }));

/** Rows a table of the online form may hold: as many as the longest template offers. */
export const maxOnlineRows = 200;

const rowOf = (ref: string) => Number(/\d+$/.exec(ref)?.[0] ?? 0);

/** The rows of a table that hold a value, in order. */
export function filledRows(texts: CellTexts, table: CellTable): number[] {
  const rows = [...(texts.get(table.sheet) ?? [])]
    .filter(([, text]) => text.trim() !== '')
    .map(([ref]) => rowOf(ref));
  return [...new Set(rows.filter((row) => row >= FIRST_DATA_ROW))].sort((a, b) => a - b);
}

/** The texts as a workbook the reader takes, as if uploaded: every cell a text cell. */
export function textWorkbook(
  form: CellForm,
  texts: CellTexts,
  ctx: TemplateContext,
): OpenedWorkbook {
  const sheets = new Map<string, Sheet>();
  const prefilled = form.prefilled(ctx);
  for (const name of form.sheets) {
    const entries = [
      ...prefilled.filter(([sheet]) => sheet === name).map(([, ref, text]) => [ref, text] as const),
      ...(texts.get(name) ?? new Map<string, string>()),
    ];
    const cells = new Map<string, Cell>();
    let lastRow = 0;
    for (const [ref, text] of entries) {
      if (text.trim() === '') continue;
      cells.set(ref, { kind: 'text', value: text });
      lastRow = Math.max(lastRow, rowOf(ref));
    }
    sheets.set(name, { name, cells, lastRow });
  }
  return { sheets, date1904: false };
}

/** A cell as a person types it in Italian: 1234,5 without grouping, dates as dd/mm/yyyy. */
function typed(cell: Cell, date1904: boolean): string {
  if (cell.kind === 'number' && cell.date) {
    const iso = serialToIsoDate(cell.value, date1904);
    return iso ? italianDate(iso) : String(cell.value);
  }
  if (cell.kind === 'isoDate') {
    const iso = parseDateText(cell.value);
    return iso ? italianDate(iso) : cell.value;
  }
  return cell.kind === 'number' ? String(cell.value).replace('.', ',') : String(cell.value);
}

/** The input cells of an uploaded workbook as text, to open it in the online form. */
export function workbookTexts(form: CellForm, workbook: OpenedWorkbook): CellTexts {
  const texts = new Map<string, Map<string, string>>();
  const keep = (sheetName: string, wanted: (ref: string) => boolean) => {
    const sheet = workbook.sheets.get(sheetName);
    const cells = [...(sheet?.cells ?? [])].filter(([ref]) => wanted(ref));
    texts.set(
      sheetName,
      new Map([
        ...(texts.get(sheetName) ?? []),
        ...cells.map(([ref, cell]) => [ref, typed(cell, workbook.date1904)] as const),
      ]),
    );
  };
  for (const input of form.singles) keep(input.sheet, (ref) => ref === input.cell);
  for (const table of form.tables) {
    const letters = new Set(table.columns.map((column) => column.letter));
    keep(table.sheet, (ref) => {
      const [, letter, row] = /^([A-Z]+)(\d+)$/.exec(ref) ?? [];
      return letters.has(letter ?? '') && Number(row) >= FIRST_DATA_ROW;
    });
  }
  return texts;
}

/**
 * Writes the texts into a template's cells by what each input is: a number typed as one is stored
 * as a number, a date as a date, anything else as the text typed (which the reader then names).
 */
export function writeTexts(workbook: Workbook, form: CellForm, texts: CellTexts): void {
  const inputOf = (sheet: string, ref: string): CellInput['input'] | undefined => {
    const single = form.singles.find((input) => input.sheet === sheet && input.cell === ref);
    if (single) return single.input;
    const letter = /^[A-Z]+/.exec(ref)?.[0];
    const table = form.tables.find((each) => each.sheet === sheet);
    return table?.columns.find((column) => column.letter === letter)?.input;
  };
  for (const [name, cells] of texts) {
    const sheet = workbook.getWorksheet(name);
    if (!sheet) continue;
    for (const [ref, text] of cells) {
      if (text.trim() === '') continue;
      const input = inputOf(name, ref);
      const date = input === 'date' ? parseDateText(text) : null;
      const number = input === 'number' ? parseNumberText(text) : null;
      sheet.getCell(ref).value = date
        ? new Date(`${date}T00:00:00Z`)
        : number?.ok
          ? number.value
          : text;
    }
  }
}

/** Whether an uploaded workbook holds more rows than the online form draws. */
export const tooLongForOnline = (form: CellForm, texts: CellTexts): boolean =>
  form.tables.some(
    (table) => (filledRows(texts, table).at(-1) ?? 0) > FIRST_DATA_ROW + maxOnlineRows - 1,
  );
