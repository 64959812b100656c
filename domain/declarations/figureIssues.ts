import type { WorkbookIssue } from './declarationFigures.js';

/**
 * What the checks of declaration and analyses share: how an issue names the figure it is about
 * (the workbook reader turns that into a sheet and a cell) and how numbers read in a message.
 */

export type FigureList = 'summary' | 'waterSources' | 'dischargeMeters' | 'deductions' | 'results';

/** A figure: a field of the summary (index null) or of the n-th item of a list. */
export interface FigureRef {
  readonly list: FigureList;
  readonly index: number | null;
  readonly field: string;
}

export type LocateFigure = (ref: FigureRef) => Pick<WorkbookIssue, 'sheet' | 'cell' | 'field'>;

export const nowhere: LocateFigure = () => ({ sheet: null, cell: null, field: null });

/** m³ by which a row's volume may differ from its readings (rounding of the readings). */
export const ROW_TOLERANCE = 0.5;

const it = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 2 });
export const num = (n: number): string => it.format(n);
export const pct = (share: number): string => `${it.format(share * 100)}%`;

/** Makes an issue about a figure: `issue.error(code, ref, problem, fix)`, `issue.warning(…)`. */
export type IssueOf = Record<
  WorkbookIssue['severity'],
  (code: string, ref: FigureRef, problem: string, fix: string) => WorkbookIssue
>;

export const issueMaker = (file: WorkbookIssue['file'], locate: LocateFigure): IssueOf => {
  const make =
    (severity: WorkbookIssue['severity']) =>
    (code: string, ref: FigureRef, problem: string, fix: string): WorkbookIssue => ({
      severity,
      code,
      file,
      ...locate(ref),
      problem,
      fix,
    });
  return { error: make('error'), warning: make('warning') };
};
