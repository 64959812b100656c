import type { ParameterLimit } from '../../../domain/campaigns/campaignSettings.js';
import type {
  AnalysesFigures,
  AnalysisResult,
  WorkbookIssue,
} from '../../../domain/declarations/declarationFigures.js';
import { choices, chosen, readDate, readNumber, readText, type SheetReader } from './cellReader.js';
import { analysesSheets, parameterChoice, resultColumns } from './analysesLayout.js';
import { at } from './declarationLayout.js';
import { inspectUpload, type InspectedWorkbook, type UploadSource } from './inspectUpload.js';
import { hasErrors } from './issues.js';
import { byKey, readRows, sheetReader } from './tableRows.js';
import type { ExpectedWorkbook } from './templateContext.js';

export interface AnalysesReading {
  readonly figures: AnalysesFigures | null;
  readonly issues: readonly WorkbookIssue[];
  /** Sheet row of each result, for naming cells in later checks. */
  readonly rows: readonly number[];
}

const c = byKey(resultColumns);

/** Drop-down text, code or label → code. An unknown parameter stays as typed: checkAnalyses names it. */
const parameterKeys = (limits: readonly ParameterLimit[]) =>
  choices<string>(
    limits.flatMap(
      (l) =>
        [
          [parameterChoice(l), l.parameter],
          [l.parameter, l.parameter],
          [l.label, l.parameter],
        ] as const,
    ),
  );

function readResult(
  r: SheetReader,
  row: number,
  parameters: ReadonlyMap<string, string>,
): AnalysisResult {
  const parameter = readText(r, at(c.parameter, row), c.parameter.header) ?? '';
  return {
    sampledOn: readDate(r, at(c.sampledOn, row), c.sampledOn.header) ?? '',
    laboratory: readText(r, at(c.laboratory, row), c.laboratory.header) ?? '',
    reportNumber: readText(r, at(c.reportNumber, row), c.reportNumber.header) ?? '',
    parameter: chosen(parameters, parameter) ?? parameter,
    unit: readText(r, at(c.unit, row), c.unit.header) ?? '',
    value: readNumber(r, at(c.value, row), c.value.header) ?? 0,
  };
}

/** The results of an inspected analyses workbook, cell by cell. */
export function readAnalysesSheets(
  workbook: InspectedWorkbook,
  limits: readonly ParameterLimit[],
): AnalysesReading {
  const issues: WorkbookIssue[] = [];
  const r = sheetReader(workbook, 'analisi', analysesSheets.results, issues);
  if (!r) return { figures: null, issues, rows: [] };
  const parameters = parameterKeys(limits);
  const read = readRows(r, resultColumns, (row) => readResult(r, row, parameters));
  return {
    figures: hasErrors(issues) ? null : { results: read.map(({ item }) => item) },
    issues,
    rows: read.map(({ row }) => row),
  };
}

export async function readAnalysesWorkbook(
  upload: UploadSource,
  expected: ExpectedWorkbook,
  limits: readonly ParameterLimit[],
): Promise<AnalysesReading> {
  const inspection = await inspectUpload(upload, expected);
  if (!inspection.workbook) return { figures: null, issues: inspection.issues, rows: [] };
  return readAnalysesSheets(inspection.workbook, limits);
}
