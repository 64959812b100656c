import type { BadCase } from './badCases.js';
import { filled, type Edits } from './workbookFixtures.js';
import { setRawCells } from './xlsxRewrite.js';

/** Templates filled with wrong cells: what the reader and the rules must refuse. */

const F = 'Fonti di approvvigionamento';
const D = 'Dichiarazione';
const T = 'Detrazioni';
const A = 'Analisi';

const declaration = (edits: Edits) => filled('dichiarazione', edits);
const analyses = (edits: Edits) => filled('analisi', edits);

export const declarationCases: BadCase[] = [
  {
    name: 'malformed EER code',
    kind: 'dichiarazione',
    make: () => declaration({ [T]: { D3: '1610' } }),
    code: 'WasteCodeInvalid',
    problem: '«1610» non è un codice EER.',
    sheet: T,
    cell: 'D3',
  },
  {
    name: 'formula giving #DIV/0!',
    kind: 'dichiarazione',
    make: async () =>
      setRawCells(await declaration({}), { [F]: { G2: 't="e"|<f>E2/0</f><v>#DIV/0!</v>' } }),
    code: 'FormulaError',
    problem: 'La formula della cella G2 dà un errore (#DIV/0!).',
    sheet: F,
    cell: 'G2',
  },
  {
    name: 'formula giving #REF!',
    kind: 'dichiarazione',
    make: async () =>
      setRawCells(await declaration({}), { [D]: { B10: 't="e"|<f>#REF!-B16</f><v>#REF!</v>' } }),
    code: 'FormulaError',
    problem: 'La formula della cella B10 dà un errore (#REF!).',
    sheet: D,
    cell: 'B10',
  },
  {
    name: 'text in a number cell',
    kind: 'dichiarazione',
    make: () => declaration({ [F]: { G3: 'millecinquecento' } }),
    code: 'NumberInvalid',
    problem: "Nel campo «Volume (m³)» c'è «millecinquecento» al posto di un numero.",
    sheet: F,
    cell: 'G3',
  },
  {
    name: 'ambiguous number text',
    kind: 'dichiarazione',
    make: () => declaration({ [F]: { G3: '1.500' } }),
    code: 'NumberAmbiguous',
    problem: '«1.500» è ambiguo: non si capisce se il punto separa le migliaia o i decimali.',
    sheet: F,
    cell: 'G3',
  },
  {
    name: 'end reading below start reading',
    kind: 'dichiarazione',
    make: () => declaration({ [F]: { E2: 11000 } }),
    code: 'ReadingsDecreasing',
    problem:
      'La lettura di fine anno del contatore AQ-1001 (11.000) è inferiore a quella di inizio anno (12.000).',
    sheet: F,
    cell: 'E2',
  },
  {
    name: 'row volume not matching its readings',
    kind: 'dichiarazione',
    make: () => declaration({ [F]: { G2: 3000 } }),
    code: 'VolumeMismatch',
    problem:
      'Il volume del contatore AQ-1001 (3000 m³) non corrisponde alla differenza delle letture (3500 m³).',
    sheet: F,
    cell: 'G2',
  },
  {
    name: 'volumes not adding up',
    kind: 'dichiarazione',
    make: () => declaration({ [D]: { B10: 3000 } }),
    code: 'VolumeBalanceMismatch',
    problem:
      'Il volume scaricato (3000 m³) non corrisponde al prelevato meno le detrazioni: 5000 − 1000 = 4000 m³, con una tolleranza del 5% (200 m³).',
    sheet: D,
    cell: 'B10',
  },
  {
    name: 'company name emptied',
    kind: 'dichiarazione',
    make: () => declaration({ [D]: { B3: null } }),
    code: 'RequiredFieldMissing',
    problem: 'Il campo «Ragione sociale» è vuoto.',
    sheet: D,
    cell: 'B3',
  },
  {
    name: 'contract number overwritten',
    kind: 'dichiarazione',
    make: () => declaration({ [D]: { B5: '999' } }),
    code: 'PrefilledFieldChanged',
    problem: 'Il campo «Numero contratto» riporta «999» invece di «0012345».',
    sheet: D,
    cell: 'B5',
  },
  {
    name: 'negative deduction',
    kind: 'dichiarazione',
    make: () => declaration({ [T]: { B2: -600 } }),
    code: 'NegativeValue',
    problem: 'Il volume detratto è negativo (-600 m³).',
    sheet: T,
    cell: 'B2',
  },
  {
    name: 'production days 0',
    kind: 'dichiarazione',
    make: () => declaration({ [D]: { B11: 0 } }),
    code: 'ProductionDaysOutOfRange',
    problem: 'I giorni di produzione (0) devono essere un numero intero da 1 a 366.',
    sheet: D,
    cell: 'B11',
  },
  {
    name: 'no water source',
    kind: 'dichiarazione',
    make: () =>
      declaration({
        [F]: Object.fromEntries(
          ['A', 'B', 'C', 'D', 'E', 'F', 'G'].flatMap((c) => [
            [`${c}2`, null],
            [`${c}3`, null],
          ]),
        ),
      }),
    code: 'NoWaterSource',
    problem: 'Non è indicata nessuna fonte di approvvigionamento.',
    sheet: F,
  },
  {
    name: 'deductions above withdrawals',
    kind: 'dichiarazione',
    make: () => declaration({ [T]: { B2: 6000 } }),
    code: 'DeductionsExceedWithdrawn',
    problem: 'Le detrazioni (6400 m³) superano il volume prelevato (5000 m³).',
    sheet: T,
  },
  {
    name: 'liquid waste without EER code',
    kind: 'dichiarazione',
    make: () => declaration({ [T]: { D3: null } }),
    code: 'WasteCodeMissing',
    problem: "Per l'acqua smaltita come rifiuto liquido manca il codice EER.",
    sheet: T,
    cell: 'D3',
  },
  {
    name: 'source kind not in the list',
    kind: 'dichiarazione',
    make: () => declaration({ [F]: { A2: 'Fiume' } }),
    code: 'ValueNotInList',
    problem: '«Fiume» non è tra i valori ammessi per «Tipo di fonte».',
    sheet: F,
    cell: 'A2',
  },
  {
    name: 'roll-over with a volume below the end reading',
    kind: 'dichiarazione',
    make: () => declaration({ [F]: { D2: 999000, E2: 4000, F2: 'Sì', G2: 3500 } }),
    code: 'RollOverVolumeTooSmall',
    problem:
      'Con il giro del contatore AQ-1001 il volume (3500 m³) non può essere inferiore alla lettura di fine anno (4000 m³).',
    sheet: F,
    cell: 'G2',
  },
];

export const analysesCases: BadCase[] = [
  {
    name: 'analyses sheet with no result',
    kind: 'analisi',
    make: () =>
      analyses({
        [A]: Object.fromEntries(
          ['A', 'B', 'C', 'D', 'E', 'F'].flatMap((c) =>
            [2, 3, 4, 5].map((r) => [`${c}${r}`, null]),
          ),
        ),
      }),
    code: 'NoResults',
    problem: 'Il file delle analisi non contiene nessun risultato.',
    sheet: A,
  },
  {
    name: 'sample date as text outside the year',
    kind: 'analisi',
    make: () => analyses({ [A]: { A2: '15/03/2024' } }),
    code: 'DateOutsideYear',
    problem: "La data del prelievo (15/03/2024) non è nell'anno 2025.",
    sheet: A,
    cell: 'A2',
  },
  {
    name: 'impossible date',
    kind: 'analisi',
    make: () => analyses({ [A]: { A3: '31/02/2025' } }),
    code: 'DateInvalid',
    problem: '«31/02/2025» non è una data valida.',
    sheet: A,
    cell: 'A3',
  },
  {
    name: 'unknown parameter',
    kind: 'analisi',
    make: () => analyses({ [A]: { D2: 'Uranio (mg/l)' } }),
    code: 'UnknownParameter',
    problem: 'Il parametro «Uranio (mg/l)» non è tra quelli previsti.',
    sheet: A,
    cell: 'D2',
  },
  {
    name: 'wrong unit',
    kind: 'analisi',
    make: () => analyses({ [A]: { E2: 'µg/l' } }),
    code: 'UnitMismatch',
    problem: 'COD si misura in mg/l, non in «µg/l».',
    sheet: A,
    cell: 'E2',
  },
  {
    name: 'duplicate date and parameter',
    kind: 'analisi',
    make: () =>
      analyses({
        [A]: {
          A6: new Date(Date.UTC(2025, 9, 15)),
          B6: 'Altro Lab',
          C6: 'RP-9',
          D6: 'COD',
          E6: 'mg/l',
          F6: 330,
        },
      }),
    code: 'DuplicateResult',
    problem: 'Il parametro «COD» del 15/10/2025 è indicato più di una volta.',
    sheet: A,
    cell: 'D6',
  },
  {
    name: 'negative concentration',
    kind: 'analisi',
    make: () => analyses({ [A]: { F3: -4 } }),
    code: 'NegativeValue',
    problem: 'Il valore (-4) è negativo.',
    sheet: A,
    cell: 'F3',
  },
  {
    name: 'laboratory missing',
    kind: 'analisi',
    make: () => analyses({ [A]: { B4: null } }),
    code: 'RequiredFieldMissing',
    problem: 'Il campo «Laboratorio» è vuoto.',
    sheet: A,
    cell: 'B4',
  },
];

export const checklistCases: BadCase[] = [
  {
    name: 'unanswered question',
    kind: 'checklist',
    make: () => filled('checklist', { 'Check-list': { C4: null } }),
    code: 'RequiredFieldMissing',
    problem: 'Il campo «Risposta alla domanda 3» è vuoto.',
    sheet: 'Check-list',
    cell: 'C4',
  },
  {
    name: 'answer not yes or no',
    kind: 'checklist',
    make: () => filled('checklist', { 'Check-list': { C5: 'Forse' } }),
    code: 'ValueNotInList',
    problem: '«Forse» non è tra i valori ammessi per «Risposta alla domanda 4».',
    sheet: 'Check-list',
    cell: 'C5',
  },
];
