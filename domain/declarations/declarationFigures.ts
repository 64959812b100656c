/**
 * What a declarant declares for one contract and one year, as read from the workbooks. The portal
 * keeps these figures in the submission event, renders them in the copy of record and checks them
 * against the campaign's limits; the workbooks are only the way they arrive.
 */

/** Where the water came from. `acquedotto` is identified by its customer code, wells and
 * derivations by their authorisation. */
export type WaterSourceKind = 'acquedotto' | 'pozzo' | 'derivazione' | 'altro';

export interface MeterReading {
  readonly meterSerial: string;
  readonly startReading: number;
  readonly endReading: number;
  /** The meter went past its maximum during the year; the volume accounts for it. */
  readonly rolledOver: boolean;
  /** m³ over the year, from the readings. */
  readonly volume: number;
}

export interface WaterSource extends MeterReading {
  readonly kind: WaterSourceKind;
  /** Customer code for the aqueduct, authorisation number for a well or derivation. */
  readonly identifier: string;
}

export type DeductionCategory =
  | 'incorporata-nel-prodotto'
  | 'evaporata'
  | 'raffreddamento-circuito-chiuso'
  | 'smaltita-come-rifiuto-liquido'
  | 'scaricata-altrove';

export interface Deduction {
  readonly category: DeductionCategory;
  /** m³ */
  readonly volume: number;
  /** How it is proven: a document, a measurement, a waste form number. */
  readonly evidence: string;
  /** EER code of the liquid waste, for `smaltita-come-rifiuto-liquido`. */
  readonly wasteCode: string | null;
}

export interface DeclarationFigures {
  readonly year: number;
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plantAddress: string;
  readonly waterSources: readonly WaterSource[];
  readonly dischargeMeters: readonly MeterReading[];
  readonly deductions: readonly Deduction[];
  /** m³ declared as discharged to the sewer. */
  readonly dischargedVolume: number;
  readonly productionDays: number;
  readonly notes: string;
}

export interface AnalysisResult {
  /** ISO date (YYYY-MM-DD) of the sample. */
  readonly sampledOn: string;
  readonly laboratory: string;
  readonly reportNumber: string;
  /** Key of the campaign's limits list, e.g. 'COD'. */
  readonly parameter: string;
  readonly unit: string;
  readonly value: number;
}

export interface AnalysesFigures {
  readonly results: readonly AnalysisResult[];
}

/** An answer of the risk-factor check-list (step 5), kept as given and printed in the copy. */
export interface ChecklistAnswer {
  /** 1-based, as printed in the check-list. */
  readonly number: number;
  readonly question: string;
  readonly answer: boolean;
  readonly notes: string;
}

/** One finding on an uploaded workbook, shown as a row of the errors table. */
export interface WorkbookIssue {
  readonly severity: 'error' | 'warning';
  /** Stable code, e.g. 'ReadingsDecreasing'; tests and the copy of record use it. */
  readonly code: string;
  /** Which upload: the declaration, the analyses or the check-list. */
  readonly file: 'dichiarazione' | 'analisi' | 'checklist';
  readonly sheet: string | null;
  /** A1 reference, null when the problem is the whole file. */
  readonly cell: string | null;
  readonly field: string | null;
  /** Italian sentence: what is wrong. */
  readonly problem: string;
  /** Italian sentence: how to fix it. */
  readonly fix: string;
}
