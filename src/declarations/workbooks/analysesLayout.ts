import type { ParameterLimit } from '../../../domain/campaigns/campaignSettings.js';
import type { Column } from './declarationLayout.js';

/** Where the analyses live: one row per parameter per sample, and the reference list. */

export const analysesSheets = {
  instructions: 'Istruzioni',
  results: 'Analisi',
  parameters: 'Parametri',
} as const;

type ResultKey = 'sampledOn' | 'laboratory' | 'reportNumber' | 'parameter' | 'unit' | 'value';

const column = (
  key: ResultKey,
  letter: string,
  header: string,
  width: number,
  input: Column['input'],
): Column<ResultKey> => ({ key, letter, header, width, input, required: true });

export const resultColumns = [
  column('sampledOn', 'A', 'Data del prelievo', 16, 'date'),
  column('laboratory', 'B', 'Laboratorio', 30, 'text'),
  column('reportNumber', 'C', 'N. rapporto di prova', 20, 'text'),
  column('parameter', 'D', 'Parametro', 40, 'list'),
  column('unit', 'E', 'Unità di misura', 14, 'list'),
  column('value', 'F', 'Valore', 14, 'number'),
] as const;

export const templateResultRows = 200;

/** The text offered by the drop-down: label and unit, e.g. "COD (mg/l)". */
export const parameterChoice = (limit: ParameterLimit): string => `${limit.label} (${limit.unit})`;

/** Columns of the "Parametri" sheet; the drop-down reads column A. */
export const parameterHeaders = [
  ['Voce da scegliere', 40],
  ['Codice', 14],
  ['Parametro', 34],
  ['Unità di misura', 14],
  ['Limite minimo', 14],
  ['Limite massimo', 14],
] as const;
