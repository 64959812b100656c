import type { Workbook } from 'exceljs';
import type { Cell, Sheet } from './sheetCells.js';
import { METADATA_SHEET, type TemplateContext, type WorkbookKind } from './templateContext.js';

/**
 * The hidden sheet that makes a workbook recognisable: key/value rows, all written as text so that
 * Excel and LibreOffice keep them as they are on re-save. State 'hidden' rather than 'veryHidden':
 * both programs keep 'hidden' (LibreOffice has no "very hidden").
 */

export interface TemplateMetadata {
  readonly kind: string;
  readonly templateVersion: string;
  readonly year: string;
  readonly contractNumber: string;
  readonly customerCode: string;
}

const KEYS: readonly (readonly [string, keyof TemplateMetadata])[] = [
  ['tipo', 'kind'],
  ['versione modello', 'templateVersion'],
  ['anno', 'year'],
  ['numero contratto', 'contractNumber'],
  ['codice cliente', 'customerCode'],
];

export function addMetadataSheet(
  workbook: Workbook,
  kind: WorkbookKind,
  ctx: TemplateContext,
): void {
  const sheet = workbook.addWorksheet(METADATA_SHEET, { state: 'hidden' });
  const values: TemplateMetadata = {
    kind,
    templateVersion: ctx.templateVersion,
    year: String(ctx.year),
    contractNumber: ctx.contractNumber,
    customerCode: ctx.customerCode,
  };
  KEYS.forEach(([label, key], index) => {
    const row = sheet.getRow(index + 1);
    row.getCell(1).value = label;
    row.getCell(2).value = values[key];
    row.getCell(2).numFmt = '@';
  });
  sheet.getColumn(1).width = 20;
  sheet.getColumn(2).width = 30;
  sheet.getRow(KEYS.length + 2).getCell(1).value = 'Foglio tecnico: non modificare.';
}

const asText = (cell: Cell | undefined): string => {
  if (!cell) return '';
  if (cell.kind === 'text') return cell.value.trim();
  if (cell.kind === 'number') return String(cell.value);
  return '';
};

/** The metadata, or null when the sheet lacks a key. */
export function readMetadata(sheet: Sheet): TemplateMetadata | null {
  const byLabel = new Map<string, string>();
  for (let row = 1; row <= Math.min(sheet.lastRow, 50); row++) {
    const label = asText(sheet.cells.get(`A${row}`)).toLowerCase();
    if (label) byLabel.set(label, asText(sheet.cells.get(`B${row}`)));
  }
  const entries = KEYS.map(([label, key]) => [key, byLabel.get(label) ?? ''] as const);
  if (entries.some(([, value]) => value === '')) return null;
  return Object.fromEntries(entries) as unknown as TemplateMetadata;
}
