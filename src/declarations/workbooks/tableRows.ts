import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { fileIssue } from './issues.js';
import type { Column } from './declarationLayout.js';
import { FIRST_DATA_ROW } from './declarationLayout.js';
import type { InspectedWorkbook } from './inspectUpload.js';
import type { SheetReader } from './cellReader.js';
import type { WorkbookKind } from './templateContext.js';

/** Columns by key, so that a row reader names them rather than their letters. */
export const byKey = <K extends string>(columns: readonly Column<K>[]): Record<K, Column<K>> =>
  Object.fromEntries(columns.map((column) => [column.key, column])) as Record<K, Column<K>>;

/**
 * The rows of a table: every row under the header with a value in one of the columns (the
 * declarant may add rows beyond the template's). A row with an issue gives no item.
 */
export function readRows<T>(
  r: SheetReader,
  columns: readonly Column[],
  readRow: (row: number) => T | null,
): { readonly row: number; readonly item: T }[] {
  const items: { row: number; item: T }[] = [];
  for (let row = FIRST_DATA_ROW; row <= r.sheet.lastRow; row++) {
    if (!columns.some((column) => r.sheet.cells.has(`${column.letter}${row}`))) continue;
    const before = r.issues.length;
    const item = readRow(row);
    if (item !== null && r.issues.length === before) items.push({ row, item });
  }
  return items;
}

/** A reader for a sheet of the workbook, or null (and an issue) when the sheet is gone. */
export function sheetReader(
  workbook: InspectedWorkbook,
  file: WorkbookKind,
  name: string,
  issues: WorkbookIssue[],
): SheetReader | null {
  const sheet = workbook.sheets.get(name);
  if (sheet) return { file, sheet, date1904: workbook.date1904, issues };
  issues.push({
    ...fileIssue(
      file,
      'SheetMissing',
      `Manca il foglio «${name}».`,
      'Riparti dal modello scaricato dal portale: i fogli non vanno rinominati né eliminati.',
    ),
    sheet: name,
  });
  return null;
}
