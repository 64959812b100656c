import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import type { WorkbookKind } from './templateContext.js';

/** Where in a workbook a problem is: sheet, A1 cell and the Italian name of the field. */
export interface CellPlace {
  readonly sheet: string;
  readonly cell: string;
  readonly field: string;
}

/** A problem with the file as a whole: it is refused before any cell is read. */
export const fileIssue = (
  file: WorkbookKind,
  code: string,
  problem: string,
  fix: string,
): WorkbookIssue => ({
  severity: 'error',
  code,
  file,
  sheet: null,
  cell: null,
  field: null,
  problem,
  fix,
});

export const cellIssue = (
  file: WorkbookKind,
  place: CellPlace,
  code: string,
  problem: string,
  fix: string,
): WorkbookIssue => ({ severity: 'error', code, file, ...place, problem, fix });

export const hasErrors = (issues: readonly WorkbookIssue[]): boolean =>
  issues.some((issue) => issue.severity === 'error');
