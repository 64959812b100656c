import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import type { WorkbookKind } from '../../../../src/declarations/workbooks/index.js';
import { fixture, filled, rewrite, type Edits } from './workbookFixtures.js';
import { editSheets, setRawCells } from './xlsxRewrite.js';
import { patchEntry, workbookLikeZip } from './zipCraft.js';

/** An upload that must be refused: how it is made, and the first error it must give. */
export interface BadCase {
  readonly name: string;
  readonly kind: WorkbookKind;
  readonly make: () => Promise<Uint8Array>;
  readonly code: string;
  readonly problem: string;
  readonly sheet?: string;
  readonly cell?: string;
}

const F = 'Fonti di approvvigionamento';
const D = 'Dichiarazione';
const T = 'Detrazioni';
const A = 'Analisi';

const declaration = (edits: Edits) => filled('dichiarazione', edits);
const analyses = (edits: Edits) => filled('analisi', edits);
const dropSheet = async (name: string) =>
  rewrite(await declaration({}), (path, xml) =>
    path === 'xl/workbook.xml'
      ? xml.replace(new RegExp(`<sheet [^>]*name="${name}"[^>]*/>`), '')
      : xml,
  );

/** The declaration's data typed into a fresh exceljs workbook: same sheets, no hidden sheet. */
async function copiedIntoAnotherFile(): Promise<Uint8Array> {
  const source = new ExcelJS.Workbook();
  await source.xlsx.load((await declaration({})) as unknown as ExcelJS.Buffer);
  const copy = new ExcelJS.Workbook();
  source.eachSheet((sheet) => {
    if (sheet.state !== 'visible') return;
    const target = copy.addWorksheet(sheet.name);
    sheet.eachRow((row, n) => (target.getRow(n).values = row.values));
  });
  return Buffer.from(await copy.xlsx.writeBuffer());
}

const rowsXml = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `<row r="${i + 2}"><c r="B${i + 2}" t="inlineStr"><is><t>x</t></is></c></row>`,
  ).join('');

export const fileCases: BadCase[] = [
  {
    name: 'empty file',
    kind: 'dichiarazione',
    make: async () => new Uint8Array(0),
    code: 'FileEmpty',
    problem: 'Il file è vuoto (0 byte).',
  },
  {
    name: 'PDF renamed .xlsx',
    kind: 'dichiarazione',
    make: async () => fixture('bad/renamed-pdf.xlsx'),
    code: 'FileIsPdf',
    problem: 'Il file è un PDF, non un foglio Excel.',
  },
  {
    name: 'PNG renamed .xlsx',
    kind: 'dichiarazione',
    make: async () => fixture('bad/renamed-png.xlsx'),
    code: 'FileIsImage',
    problem: "Il file è un'immagine, non un foglio Excel.",
  },
  {
    name: 'CSV renamed .xlsx',
    kind: 'dichiarazione',
    make: async () => fixture('bad/exported.csv.xlsx'),
    code: 'FileIsText',
    problem: 'Il file è un testo (per esempio un CSV), non un foglio Excel.',
  },
  {
    name: 'Excel 97 .xls (OLE2)',
    kind: 'dichiarazione',
    make: async () => fixture('bad/legacy-excel-97.xls'),
    code: 'FileIsLegacyExcel',
    problem: 'Il file è nel vecchio formato Excel 97-2003 (.xls), che il portale non accetta.',
  },
  {
    name: 'password-protected (OLE2 with EncryptionInfo)',
    kind: 'dichiarazione',
    make: async () => fixture('bad/password-protected.xlsx'),
    code: 'FileEncrypted',
    problem: 'Il file è protetto da password: il portale non può leggerlo.',
  },
  // The first 60% of a valid file: the end of central directory is gone.
  {
    name: 'truncated upload',
    kind: 'dichiarazione',
    make: async () => fixture('declaration.exceljs.xlsx').subarray(0, 9000),
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
  },
  {
    name: 'zip bomb (200 MB declared)',
    kind: 'dichiarazione',
    make: async () => fixture('bad/zip-bomb.xlsx'),
    code: 'FileTooLargeUncompressed',
    problem: 'Il file, una volta decompresso, supera 50 MB: non è un modello compilato.',
  },
  // 20 MB of spaces in workbook.xml, whose headers declare 1,000 bytes: inflating stops at 1,000.
  {
    name: 'zip bomb lying about its sizes',
    kind: 'dichiarazione',
    make: async () =>
      patchEntry(
        zipSync({
          '[Content_Types].xml': strToU8('<Types/>'),
          'xl/workbook.xml': new Uint8Array(20 * 1024 * 1024).fill(32),
        }),
        'xl/workbook.xml',
        { size: 1000 },
      ),
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
  },
  {
    name: 'zip with 1,200 parts',
    kind: 'dichiarazione',
    make: async () =>
      workbookLikeZip(
        Object.fromEntries(
          Array.from({ length: 1200 }, (_, i) => [`xl/media/p${i}.txt`, strToU8('x')]),
        ),
      ),
    code: 'FileTooManyParts',
    problem: 'Il file contiene troppe parti interne per essere un modello compilato.',
  },
  {
    name: 'zip without a workbook',
    kind: 'dichiarazione',
    make: async () => zipSync({ 'dichiarazione.txt': strToU8('volume 4000') }),
    code: 'FileNotXlsx',
    problem: 'Il file è un archivio compresso, non un foglio Excel (.xlsx).',
  },
  {
    name: 'Word document renamed .xlsx',
    kind: 'dichiarazione',
    make: async () => fixture('bad/word-document.docx.xlsx'),
    code: 'FileIsWordDocument',
    problem: 'Il file è un documento Word, non un foglio Excel.',
  },
  {
    name: 'OpenDocument spreadsheet',
    kind: 'dichiarazione',
    make: async () => fixture('bad/opendocument.ods'),
    code: 'FileIsOpenDocument',
    problem: 'Il file è in formato OpenDocument (.ods), non Excel (.xlsx).',
  },
  {
    name: 'zip entries with the encryption flag',
    kind: 'dichiarazione',
    make: async () =>
      patchEntry(fixture('declaration.exceljs.xlsx'), 'xl/workbook.xml', { flags: 1 }),
    code: 'FileEncrypted',
    problem: 'Il file è protetto da password: il portale non può leggerlo.',
  },
  // workbook.xml declared one byte longer than it is: the inflated size does not match.
  {
    name: 'part shorter than declared',
    kind: 'dichiarazione',
    make: async () =>
      patchEntry(fixture('declaration.exceljs.xlsx'), 'xl/workbook.xml', { size: 1500 }),
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
  },
  {
    name: 'sheet with 6,000 filled rows',
    kind: 'dichiarazione',
    make: async () =>
      editSheets(await declaration({}), {
        [F]: (xml) =>
          xml.replace(/<sheetData>[\s\S]*<\/sheetData>/, `<sheetData>${rowsXml(6000)}</sheetData>`),
      }),
    code: 'SheetTooLarge',
    problem:
      'Il foglio «Fonti di approvvigionamento» ha più di 5000 righe compilate: troppe per un modello di dichiarazione.',
    sheet: F,
  },
];

export const templateCases: BadCase[] = [
  {
    name: 'data copied into another file (no hidden sheet)',
    kind: 'dichiarazione',
    make: copiedIntoAnotherFile,
    code: 'TemplateNotRecognised',
    problem:
      'Il file non è un modello scaricato dal portale: manca il foglio nascosto che lo identifica.',
  },
  {
    name: 'analyses uploaded as the declaration',
    kind: 'dichiarazione',
    make: () => analyses({}),
    code: 'TemplateWrongKind',
    problem:
      'Hai caricato il modello delle analisi chimiche al posto del modello della dichiarazione.',
  },
  {
    name: 'declaration uploaded as the check-list',
    kind: 'checklist',
    make: () => declaration({}),
    code: 'TemplateWrongKind',
    problem:
      'Hai caricato il modello della dichiarazione al posto della check-list dei fattori di rischio.',
  },
  {
    name: 'older template version',
    kind: 'dichiarazione',
    make: () => filled('dichiarazione', {}, { templateVersion: '2025.0' }),
    code: 'TemplateOutdated',
    problem:
      'Il modello è la versione 2025.0, superata dalla versione 2025.1 in uso per questa campagna.',
  },
  {
    name: "another contract's template",
    kind: 'dichiarazione',
    make: () => filled('dichiarazione', {}, { contractNumber: '0099999' }),
    code: 'TemplateWrongContract',
    problem:
      'Il modello è del contratto 0099999, non del contratto 0012345 per cui stai dichiarando.',
  },
  {
    name: "last year's template",
    kind: 'dichiarazione',
    make: () =>
      filled('dichiarazione', { [D]: { B7: 2024 } }, { year: 2024, templateVersion: '2024.1' }),
    code: 'TemplateWrongYear',
    problem: "Il modello è dell'anno 2024, ma stai dichiarando l'anno 2025.",
  },
  {
    name: 'a sheet deleted',
    kind: 'dichiarazione',
    make: () => dropSheet(T),
    code: 'SheetMissing',
    problem: 'Manca il foglio «Detrazioni».',
    sheet: T,
  },
];

export const declarationCases: BadCase[] = [
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

export const badCases: BadCase[] = [
  ...fileCases,
  ...templateCases,
  ...declarationCases,
  ...analysesCases,
  ...checklistCases,
];
