import type { ParameterLimit } from '../../../domain/campaigns/campaignSettings.js';

/** The three workbooks of a declaration; also the `file` of a WorkbookIssue. */
export type WorkbookKind = 'dichiarazione' | 'analisi' | 'checklist';

/** What the portal knows before the declarant opens a template: it is written into the cells. */
export interface TemplateContext {
  /** Ignored by the template functions, each of which knows its own kind. */
  readonly kind?: WorkbookKind;
  readonly year: number;
  readonly templateVersion: string;
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plantAddress: string;
  readonly limits: readonly ParameterLimit[];
}

/** What an upload must be: the template of this kind, version, year and contract. */
export interface ExpectedWorkbook {
  readonly kind: WorkbookKind;
  readonly year: number;
  readonly templateVersion: string;
  readonly contractNumber: string;
  readonly customerCode: string;
}

/** "il modello della dichiarazione": for sentences such as "Hai caricato … al posto di …". */
export const kindName: Record<WorkbookKind, string> = {
  dichiarazione: 'il modello della dichiarazione',
  analisi: 'il modello delle analisi chimiche',
  checklist: 'la check-list dei fattori di rischio',
};

export const kindTitle: Record<WorkbookKind, string> = {
  dichiarazione: 'Dichiarazione annuale degli scarichi industriali',
  analisi: 'Analisi chimiche',
  checklist: 'Check-list fattori di rischio',
};

/** The hidden sheet that tells which template a workbook is. */
export const METADATA_SHEET = 'Metadati';
