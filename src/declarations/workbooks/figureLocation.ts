import type { LocateFigure } from '../../../domain/declarations/figureIssues.js';
import { analysesSheets, resultColumns } from './analysesLayout.js';
import {
  declarationSheets,
  deductionColumns,
  dischargeMeterColumns,
  sourceColumns,
  summaryFields,
  type Column,
} from './declarationLayout.js';
import type { DeclarationRows } from './readDeclarationWorkbook.js';

/** Turns the figure a rule speaks of back into the sheet, cell and field it was read from. */

const inTable =
  (sheet: string, columns: readonly Column[], rows: readonly number[]) =>
  (index: number | null, field: string) => {
    const column = columns.find((c) => c.key === field);
    const row = index === null ? undefined : rows[index];
    return {
      sheet,
      cell: column && row !== undefined ? `${column.letter}${row}` : null,
      field: column?.header ?? null,
    };
  };

export function locateDeclarationFigure(rows: DeclarationRows): LocateFigure {
  const tables = {
    waterSources: inTable(declarationSheets.sources, sourceColumns, rows.waterSources),
    dischargeMeters: inTable(
      declarationSheets.dischargeMeters,
      dischargeMeterColumns,
      rows.dischargeMeters,
    ),
    deductions: inTable(declarationSheets.deductions, deductionColumns, rows.deductions),
  };
  return ({ list, index, field }) => {
    if (list === 'waterSources' || list === 'dischargeMeters' || list === 'deductions') {
      return tables[list](index, field);
    }
    const summary = Object.entries(summaryFields).find(([key]) => key === field)?.[1];
    return {
      sheet: declarationSheets.summary,
      cell: summary?.cell ?? null,
      field: summary?.label ?? null,
    };
  };
}

export function locateAnalysisFigure(rows: readonly number[]): LocateFigure {
  const table = inTable(analysesSheets.results, resultColumns, rows);
  return ({ index, field }) => table(index, field);
}
