import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import type { WorkbookKind } from '../../../../src/declarations/workbooks/index.js';
import { fixture, filled, rewrite, type Edits } from './workbookFixtures.js';
import { editSheets } from './xlsxRewrite.js';
import { analysesCases, checklistCases, declarationCases } from './badContentCases.js';
import { hostileCases } from './hostileCases.js';
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
    name: 'unknown binary file',
    kind: 'analisi',
    make: async () => Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256),
    code: 'FileNotXlsx',
    problem: 'Il file non è un foglio Excel (.xlsx).',
  },
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
    code: 'FilePartTooLarge',
    problem:
      'Una parte interna del file (xl/worksheets/sheet1.xml), una volta decompressa, supera 20 MB: non è un foglio di dati.',
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
    problem: 'Il file contiene troppe parti interne: al massimo 1000.',
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
      'Il foglio «Fonti di approvvigionamento» contiene troppe righe compilate: al massimo 5000.',
    sheet: F,
  },
  ...hostileCases,
];

export const templateCases: BadCase[] = [
  {
    name: "another customer's template for the same contract",
    kind: 'dichiarazione',
    make: () => filled('dichiarazione', {}, { customerCode: 'C-000001' }),
    code: 'TemplateWrongCustomer',
    problem:
      'Il modello è intestato al codice cliente C-000001, ma il contratto 0012345 ha codice cliente C-778899.',
  },
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

export const badCases: BadCase[] = [
  ...fileCases,
  ...templateCases,
  ...declarationCases,
  ...analysesCases,
  ...checklistCases,
];
