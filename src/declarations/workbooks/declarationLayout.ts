import type {
  DeductionCategory,
  WaterSourceKind,
} from '../../../domain/declarations/declarationFigures.js';

/**
 * Where each figure lives in the declaration workbook. The template writes these cells and the
 * reader reads them: one layout, so the two cannot drift apart.
 */

export const declarationSheets = {
  instructions: 'Istruzioni',
  summary: 'Dichiarazione',
  sources: 'Fonti di approvvigionamento',
  dischargeMeters: 'Contatori scarico',
  deductions: 'Detrazioni',
} as const;

export interface SummaryField {
  readonly cell: string;
  readonly label: string;
}

/** Column B of the "Dichiarazione" sheet, labels in column A. */
export const summaryFields = {
  companyName: { cell: 'B3', label: 'Ragione sociale' },
  customerCode: { cell: 'B4', label: 'Codice cliente' },
  contractNumber: { cell: 'B5', label: 'Numero contratto' },
  plantAddress: { cell: 'B6', label: 'Indirizzo dello stabilimento' },
  year: { cell: 'B7', label: 'Anno di riferimento' },
  dischargedVolume: { cell: 'B10', label: 'Volume scaricato in fognatura (m³)' },
  productionDays: { cell: 'B11', label: 'Giorni di produzione' },
  notes: { cell: 'B12', label: 'Note' },
} as const satisfies Record<string, SummaryField>;

export type ColumnInput = 'text' | 'number' | 'yesNo' | 'list' | 'date';

export interface Column<K extends string = string> {
  readonly key: K;
  readonly letter: string;
  readonly header: string;
  readonly width: number;
  readonly input: ColumnInput;
  readonly required: boolean;
}

/** Tables start under their header row. */
export const FIRST_DATA_ROW = 2;

const column = <K extends string>(
  key: K,
  letter: string,
  header: string,
  width: number,
  input: ColumnInput,
  required = true,
): Column<K> => ({ key, letter, header, width, input, required });

const meterColumns = (first: number) => {
  const at = (offset: number) => String.fromCharCode(65 + first + offset);
  return [
    column('meterSerial', at(0), 'Matricola contatore', 20, 'text'),
    column('startReading', at(1), 'Lettura inizio anno (m³)', 16, 'number'),
    column('endReading', at(2), 'Lettura fine anno (m³)', 16, 'number'),
    column('rolledOver', at(3), 'Giro contatore (Sì/No)', 14, 'yesNo', false),
    column('volume', at(4), 'Volume (m³)', 16, 'number'),
  ] as const;
};

export const sourceColumns = [
  column('kind', 'A', 'Tipo di fonte', 16, 'list'),
  column('identifier', 'B', 'Codice cliente / n. autorizzazione', 26, 'text'),
  ...meterColumns(2),
] as const;

export const dischargeMeterColumns = meterColumns(0);

export const deductionColumns = [
  column('category', 'A', 'Categoria di detrazione', 34, 'list'),
  column('volume', 'B', 'Volume (m³)', 16, 'number'),
  column('evidence', 'C', 'Documentazione a supporto', 40, 'text'),
  column('wasteCode', 'D', 'Codice EER (solo rifiuto liquido)', 18, 'text', false),
] as const;

/** Empty rows offered by the template; the reader reads as many as there are. */
export const templateRows = { sources: 20, dischargeMeters: 10, deductions: 20 } as const;

export const waterSourceKindLabels: Record<WaterSourceKind, string> = {
  acquedotto: 'Acquedotto',
  pozzo: 'Pozzo',
  derivazione: 'Derivazione superficiale',
  altro: 'Altro',
};

export const deductionCategoryLabels: Record<DeductionCategory, string> = {
  'incorporata-nel-prodotto': 'Incorporata nel prodotto',
  evaporata: 'Evaporata',
  'raffreddamento-circuito-chiuso': 'Raffreddamento a circuito chiuso',
  'smaltita-come-rifiuto-liquido': 'Smaltita come rifiuto liquido',
  'scaricata-altrove': 'Scaricata in altro recapito',
};

/** A1 reference of a table cell. */
export const at = (column: Column, row: number): string => `${column.letter}${row}`;
