import type { Workbook } from 'exceljs';
import { parseNumberText } from './cellText.js';
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
import { NO, YES } from './cellReader.js';
import type { OpenedWorkbook } from './openWorkbook.js';
import type { Cell, Sheet } from './sheetCells.js';
import type { TemplateContext } from './templateContext.js';

/*
 * The declaration's input cells as text, as a person types them: the online form edits them, the
 * template writes them into a workbook, and the workbook reader reads them back, so a figure typed
 * online and one typed in Excel meet the same reader, the same rules and the same messages.
 */

/** Text by A1 reference, per sheet name. */
export type CellTexts = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** An input of the online form: which cell it fills and how it is typed. */
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
}

const optionsOf = (column: Column): readonly string[] => {
  if (column.input === 'yesNo') return [YES, NO];
  if (column.key === 'kind') return Object.values(waterSourceKindLabels);
  if (column.key === 'category') return Object.values(deductionCategoryLabels);
  return [];
};

/** The year's own figures on «Dichiarazione»; the cells above them are the portal's. */
const summaryInput = (
  field: { cell: string; label: string },
  input: CellInput['input'],
  required: boolean,
): CellInput => ({ ...field, sheet: declarationSheets.summary, input, required, options: [] });

export const summaryInputs: readonly CellInput[] = [
  summaryInput(summaryFields.dischargedVolume, 'number', true),
  summaryInput(summaryFields.productionDays, 'number', true),
  summaryInput(summaryFields.notes, 'paragraph', false),
];

export const declarationTables: readonly CellTable[] = [
  { sheet: declarationSheets.sources, columns: sourceColumns },
  { sheet: declarationSheets.dischargeMeters, columns: dischargeMeterColumns },
  { sheet: declarationSheets.deductions, columns: deductionColumns },
];

/** The inputs of a table's row (the first data row is 2, under the header). */
export const rowInputs = (table: CellTable, row: number): CellInput[] =>
  table.columns.map((column) => ({
    sheet: table.sheet,
    cell: `${column.letter}${row}`,
    label: column.header,
    input: column.input,
    required: column.required,
    options: optionsOf(column),
  }));

/** Rows a table of the online form may hold, as many as a person types by hand. */
export const maxOnlineRows = 50;

/** The rows of a table that hold a value, in order. */
export function filledRows(texts: CellTexts, table: CellTable): number[] {
  const cells = texts.get(table.sheet);
  if (!cells) return [];
  const rows = new Set<number>();
  for (const ref of cells.keys()) {
    const row = Number(/\d+$/.exec(ref)?.[0]);
    if (row >= FIRST_DATA_ROW) rows.add(row);
  }
  return [...rows].sort((a, b) => a - b);
}

/** What the portal writes into the grey cells: the reader checks them as an upload's. */
function prefilledTexts(ctx: TemplateContext): [string, string][] {
  return [
    [summaryFields.companyName.cell, ctx.companyName],
    [summaryFields.customerCode.cell, ctx.customerCode],
    [summaryFields.contractNumber.cell, ctx.contractNumber],
    [summaryFields.plantAddress.cell, ctx.plantAddress],
    [summaryFields.year.cell, String(ctx.year)],
  ];
}

/** The texts as a workbook the reader takes, as if uploaded: every cell a text cell. */
export function textWorkbook(texts: CellTexts, ctx: TemplateContext): OpenedWorkbook {
  const sheets = new Map<string, Sheet>();
  for (const name of Object.values(declarationSheets)) {
    const typed = [...(texts.get(name) ?? new Map<string, string>())];
    const entries = name === declarationSheets.summary ? [...prefilledTexts(ctx), ...typed] : typed;
    const cells = new Map<string, Cell>();
    let lastRow = 0;
    for (const [ref, text] of entries) {
      if (text.trim() === '') continue;
      cells.set(ref, { kind: 'text', value: text });
      lastRow = Math.max(lastRow, Number(/\d+$/.exec(ref)?.[0] ?? 0));
    }
    sheets.set(name, { name, cells, lastRow });
  }
  return { sheets, date1904: false };
}

/** A number as a person types it in Italian, without grouping: 1234,5. */
const typed = (cell: Cell): string =>
  cell.kind === 'number' ? String(cell.value).replace('.', ',') : String(cell.value);

/** The input cells of a declaration workbook as text, to open an upload in the online form. */
export function workbookTexts(workbook: OpenedWorkbook): CellTexts {
  const inputs = new Set(summaryInputs.map((input) => input.cell));
  const texts = new Map<string, Map<string, string>>();
  const summary = workbook.sheets.get(declarationSheets.summary);
  texts.set(
    declarationSheets.summary,
    new Map(
      [...(summary?.cells ?? [])]
        .filter(([ref]) => inputs.has(ref))
        .map(([ref, cell]) => [ref, typed(cell)]),
    ),
  );
  for (const table of declarationTables) {
    const letters = new Set(table.columns.map((column) => column.letter));
    const sheet = workbook.sheets.get(table.sheet);
    texts.set(
      table.sheet,
      new Map(
        [...(sheet?.cells ?? [])]
          .filter(([ref]) => {
            const [, letter, row] = /^([A-Z]+)(\d+)$/.exec(ref) ?? [];
            return letters.has(letter ?? '') && Number(row) >= FIRST_DATA_ROW;
          })
          .map(([ref, cell]) => [ref, typed(cell)]),
      ),
    );
  }
  return texts;
}

/** Writes the texts into the template's cells: a number typed as one is stored as a number. */
export function writeTexts(workbook: Workbook, texts: CellTexts): void {
  for (const [name, cells] of texts) {
    const sheet = workbook.getWorksheet(name);
    if (!sheet) continue;
    for (const [ref, text] of cells) {
      if (text.trim() === '') continue;
      const number = parseNumberText(text);
      const cell = sheet.getCell(ref);
      cell.value = number.ok && cell.numFmt ? number.value : text;
    }
  }
}
