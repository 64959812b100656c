import type {
  DeclarationFigures,
  Deduction,
  MeterReading,
  WaterSource,
  WorkbookIssue,
} from '../../../domain/declarations/declarationFigures.js';
import {
  choices,
  readChoice,
  readNumber,
  readText,
  yesNo,
  type SheetReader,
} from './cellReader.js';
import {
  at,
  declarationSheets as sheets,
  deductionCategoryLabels,
  deductionColumns,
  dischargeMeterColumns,
  sourceColumns,
  waterSourceKindLabels,
} from './declarationLayout.js';
import { inspectUpload, type InspectedWorkbook, type UploadSource } from './inspectUpload.js';
import { hasErrors } from './issues.js';
import { readSummary } from './readDeclarationSummary.js';
import { byKey, readRows, sheetReader } from './tableRows.js';
import type { ExpectedWorkbook } from './templateContext.js';

/** Sheet row of each item of the lists, for naming cells in later checks. */
export interface DeclarationRows {
  readonly waterSources: readonly number[];
  readonly dischargeMeters: readonly number[];
  readonly deductions: readonly number[];
}

export interface DeclarationReading {
  readonly figures: DeclarationFigures | null;
  readonly issues: readonly WorkbookIssue[];
  readonly rows: DeclarationRows;
}

const noRows: DeclarationRows = { waterSources: [], dischargeMeters: [], deductions: [] };
const items = <T>(read: readonly { item: T }[]) => read.map(({ item }) => item);
const rowsOf = (read: readonly { row: number }[]) => read.map(({ row }) => row);

const labelled = <K extends string>(labels: Record<K, string>) => ({
  options: choices<K>(
    Object.entries<string>(labels).flatMap(([key, label]) => [
      [label, key as K],
      [key, key as K],
    ]),
  ),
  allowed: Object.values<string>(labels),
});
const kinds = labelled(waterSourceKindLabels);
const categories = labelled(deductionCategoryLabels);
const YES_NO = ['Sì', 'No'];

const source = byKey(sourceColumns);
const meter = byKey(dischargeMeterColumns);
const deduction = byKey(deductionColumns);

function readMeter(r: SheetReader, row: number, c: typeof meter | typeof source): MeterReading {
  const number = (key: 'startReading' | 'endReading' | 'volume') =>
    readNumber(r, at(c[key], row), c[key].header) ?? 0;
  return {
    meterSerial: readText(r, at(c.meterSerial, row), c.meterSerial.header) ?? '',
    startReading: number('startReading'),
    endReading: number('endReading'),
    rolledOver:
      readChoice(r, at(c.rolledOver, row), c.rolledOver.header, yesNo, YES_NO, false) ?? false,
    volume: number('volume'),
  };
}

function readSource(r: SheetReader, row: number): WaterSource {
  const kind = readChoice(
    r,
    at(source.kind, row),
    source.kind.header,
    kinds.options,
    kinds.allowed,
  );
  const identifier = readText(r, at(source.identifier, row), source.identifier.header) ?? '';
  return { kind: kind ?? 'altro', identifier, ...readMeter(r, row, source) };
}

function readDeduction(r: SheetReader, row: number): Deduction {
  const c = deduction;
  const category = readChoice(
    r,
    at(c.category, row),
    c.category.header,
    categories.options,
    categories.allowed,
  );
  return {
    category: category ?? 'scaricata-altrove',
    volume: readNumber(r, at(c.volume, row), c.volume.header) ?? 0,
    evidence: readText(r, at(c.evidence, row), c.evidence.header) ?? '',
    wasteCode: readText(r, at(c.wasteCode, row), c.wasteCode.header, false),
  };
}

/** The figures of an inspected declaration workbook, cell by cell; no cross-field rules here. */
export function readDeclarationSheets(
  workbook: InspectedWorkbook,
  expected: ExpectedWorkbook,
): DeclarationReading {
  const issues: WorkbookIssue[] = [];
  const reader = (name: string) => sheetReader(workbook, 'dichiarazione', name, issues);
  const summarySheet = reader(sheets.summary);
  const sourcesSheet = reader(sheets.sources);
  const metersSheet = reader(sheets.dischargeMeters);
  const deductionsSheet = reader(sheets.deductions);
  if (!summarySheet || !sourcesSheet || !metersSheet || !deductionsSheet) {
    return { figures: null, issues, rows: noRows };
  }
  const summary = readSummary(summarySheet, expected);
  const sources = readRows(sourcesSheet, sourceColumns, (row) => readSource(sourcesSheet, row));
  const meters = readRows(metersSheet, dischargeMeterColumns, (row) =>
    readMeter(metersSheet, row, meter),
  );
  const deductions = readRows(deductionsSheet, deductionColumns, (row) =>
    readDeduction(deductionsSheet, row),
  );
  const figures: DeclarationFigures = {
    ...summary,
    waterSources: items(sources),
    dischargeMeters: items(meters),
    deductions: items(deductions),
  };
  const rows = {
    waterSources: rowsOf(sources),
    dischargeMeters: rowsOf(meters),
    deductions: rowsOf(deductions),
  };
  return { figures: hasErrors(issues) ? null : figures, issues, rows };
}

/** Inspection, then the cells. No figures when anything is wrong. */
export async function readDeclarationWorkbook(
  upload: UploadSource,
  expected: ExpectedWorkbook,
): Promise<DeclarationReading> {
  const inspection = await inspectUpload(upload, expected);
  if (!inspection.workbook) return { figures: null, issues: inspection.issues, rows: noRows };
  return readDeclarationSheets(inspection.workbook, expected);
}
