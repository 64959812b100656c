import type { Cell, DataValidation, Style, Workbook, Worksheet } from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import type { Column } from './declarationLayout.js';
import { FIRST_DATA_ROW } from './declarationLayout.js';
import { kindTitle, type TemplateContext, type WorkbookKind } from './templateContext.js';
import { addMetadataSheet } from './templateMetadata.js';

/** The look shared by the three templates: dark headers, yellow input cells, grey prefilled ones. */

const HEADER_FILL = 'FF1F4E79';
const INPUT_FILL = 'FFFFF2CC';
const PREFILLED_FILL = 'FFE7E6E6';
const thin = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };

const fill = (argb: string) => ({
  type: 'pattern' as const,
  pattern: 'solid' as const,
  fgColor: { argb },
});

export const NUMBER_FORMAT = '#,##0.00';
export const DATE_FORMAT = 'dd/mm/yyyy';

/** A new workbook; exceljs is loaded with the first one a process makes. */
export async function newWorkbook(kind: WorkbookKind, ctx: TemplateContext): Promise<Workbook> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Dichiara';
  workbook.title = `${kindTitle[kind]} ${ctx.year} – contratto ${ctx.contractNumber}`;
  return workbook;
}

/** The hidden metadata sheet, then the bytes. */
export async function finish(
  workbook: Workbook,
  kind: WorkbookKind,
  ctx: TemplateContext,
): Promise<Buffer> {
  addMetadataSheet(workbook, kind, ctx);
  workbook.views = [
    { x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 1, visibility: 'visible' },
  ];
  return workbookBytes(workbook);
}

/**
 * A workbook's bytes: exceljs writes its parts stored, fflate deflates them. exceljs's own zip
 * (JSZip's deflate, pure JavaScript) took 3–4 ms of a declaration template's 10–12, made on the
 * main thread at each online save; fflate's, at the same level, about 1.5 ms, the file 2 % larger
 * (100 templates each way, 7 December: 10.4–12.0 → 8.9–9.4 ms).
 */
export async function workbookBytes(workbook: Workbook): Promise<Buffer> {
  const stored = await workbook.xlsx.writeBuffer({ zip: { compression: 'STORE' } });
  return Buffer.from(zipSync(unzipSync(new Uint8Array(stored)), { level: 6 }));
}

/**
 * The style of a yellow input cell. Cells given one object share it: exceljs files a style it has
 * seen once under the same id (a WeakMap by object) instead of comparing it anew, cell by cell,
 * with every style of the workbook. A declaration template 8.0–8.5 → 6.1–6.5 ms (100 each way,
 * 8 December). Not to be changed after it is given: every cell holding it would change.
 */
export const inputStyle = (numFmt?: string): Partial<Style> => ({
  fill: fill(INPUT_FILL),
  border: { top: thin, left: thin, bottom: thin, right: thin },
  protection: { locked: false },
  ...(numFmt ? { numFmt } : {}),
});

export function inputCell(cell: Cell, numFmt?: string): void {
  cell.style = inputStyle(numFmt);
}

export function prefilledCell(cell: Cell, value: string | number): void {
  cell.value = value;
  cell.fill = fill(PREFILLED_FILL);
  cell.font = { bold: true };
  cell.border = { top: thin, left: thin, bottom: thin, right: thin };
}

export function headerCell(cell: Cell, text: string): void {
  cell.value = text;
  cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  cell.fill = fill(HEADER_FILL);
  cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  cell.border = { top: thin, left: thin, bottom: thin, right: thin };
}

export function titleCell(cell: Cell, text: string): void {
  cell.value = text;
  cell.font = { bold: true, size: 14, color: { argb: HEADER_FILL } };
}

/** A sheet with a frozen header row and `rows` empty input rows, validated per column. */
export function tableSheet(
  workbook: Workbook,
  name: string,
  columns: readonly Column[],
  rows: number,
  validation: (column: Column) => DataValidation | null,
): Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.getRow(1).height = 32;
  for (const column of columns) {
    sheet.getColumn(column.letter).width = column.width;
    headerCell(sheet.getCell(`${column.letter}1`), column.header);
    const rule = validation(column);
    const style = inputStyle(
      column.input === 'number' ? NUMBER_FORMAT : column.input === 'date' ? DATE_FORMAT : undefined,
    );
    for (let row = FIRST_DATA_ROW; row < FIRST_DATA_ROW + rows; row++) {
      const cell = sheet.getCell(`${column.letter}${row}`);
      cell.style = style;
      if (rule) cell.dataValidation = rule;
    }
  }
  return sheet;
}

/** An in-cell drop-down; `source` is a quoted list ("a,b") or a range (Foglio!$A$2:$A$9). */
export const listRule = (source: string, field: string): DataValidation => ({
  type: 'list',
  allowBlank: true,
  formulae: [source],
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: 'Valore non ammesso',
  error: `Scegli «${field}» dall'elenco.`,
});

export const quotedList = (values: readonly string[]): string => `"${values.join(',')}"`;

export const numberRule = (min: number, max: number, message: string): DataValidation => ({
  type: 'decimal',
  operator: 'between',
  allowBlank: true,
  formulae: [min, max],
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: 'Valore non ammesso',
  error: message,
});

/**
 * Prefilled cells stay as written: the sheet is protected without a password (a declarant who
 * insists can lift it; the reader checks the prefilled cells anyway). Input cells are unlocked.
 */
export const protectWithoutPassword = (sheet: Worksheet): Promise<void> =>
  sheet.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
  });

/** The first sheet: a title and a few lines of instructions. */
export async function instructionsSheet(
  workbook: Workbook,
  title: string,
  lines: readonly string[],
): Promise<void> {
  const sheet = workbook.addWorksheet('Istruzioni');
  sheet.getColumn(1).width = 110;
  titleCell(sheet.getCell('A1'), title);
  lines.forEach((line, index) => {
    const cell = sheet.getCell(`A${index + 3}`);
    cell.value = line;
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  const legend = sheet.getCell(`A${lines.length + 4}`);
  legend.value =
    'Celle gialle: da compilare. Celle grigie: dati già noti al gestore, non modificarli.';
  legend.fill = fill(INPUT_FILL);
  await protectWithoutPassword(sheet);
}
