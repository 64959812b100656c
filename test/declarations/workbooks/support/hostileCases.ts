import { strToU8, unzipSync, zipSync } from 'fflate';
import type { BadCase } from './badCases.js';
import { filled, rewrite } from './workbookFixtures.js';
import { editSheets } from './xlsxRewrite.js';
import { cutBeforeCentralDirectory, patchEntry, withParts } from './zipCraft.js';

/**
 * Workbooks built to hurt the reader, each made from a valid filled declaration whose zip parts
 * are then altered (issue 13): every one must be refused at once with its Italian message.
 */

const F = 'Fonti di approvvigionamento';
let base: Promise<Buffer> | null = null;
/** Filled once: the route tests post every case, and exceljs is most of a case's cost. */
const declaration = () => (base ??= filled('dichiarazione', {}));

/** `xml` spliced into the shared-strings table, just before it closes. */
const intoSharedStrings = async (xml: string) =>
  rewrite(await declaration(), (path, text) =>
    path === 'xl/sharedStrings.xml' ? text.replace('</sst>', `${xml}</sst>`) : text,
  );

const sheetData = (rows: string) => (xml: string) =>
  xml.replace(/<sheetData>[\s\S]*<\/sheetData>/, `<sheetData>${rows}</sheetData>`);

/** `rows` rows of `columns` numeric cells each, without `r` attributes (the format allows it). */
const numberRows = (rows: number, columns: number) =>
  `<row>${'<c><v>1</v></c>'.repeat(columns)}</row>`.repeat(rows);

const contentTypes = async (change: (xml: string) => string) =>
  rewrite(await declaration(), (path, xml) => (path === '[Content_Types].xml' ? change(xml) : xml));

export const hostileCases: BadCase[] = [
  // Issue 13: 512 kB of unclosed items took 35 s of regular expressions; now the 65th item open
  // inside the others stops it (no part of a workbook nests that deep).
  {
    name: "'<si>' × 128,000 before </sst> (the 35 s file of issue 13)",
    kind: 'dichiarazione',
    make: () => intoSharedStrings('<si>'.repeat(128_000)),
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato: la sua parte interna xl/sharedStrings.xml non è XML valido.',
  },
  {
    name: 'shared strings not closed (malformed XML)',
    kind: 'dichiarazione',
    make: () => intoSharedStrings('<si><t>aperto'),
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato: la sua parte interna xl/sharedStrings.xml non è XML valido.',
  },
  {
    name: "'<si></si>' × 128,000 (well formed, one item too many after 100,000)",
    kind: 'dichiarazione',
    make: () => intoSharedStrings('<si></si>'.repeat(128_000)),
    code: 'FileTooManyStrings',
    problem: 'Il file contiene troppi testi distinti: al massimo 100.000.',
  },
  {
    name: '100,001 shared strings',
    kind: 'dichiarazione',
    make: () =>
      intoSharedStrings(Array.from({ length: 100_001 }, (_, i) => `<si><t>${i}</t></si>`).join('')),
    code: 'FileTooManyStrings',
    problem: 'Il file contiene troppi testi distinti: al massimo 100.000.',
  },
  {
    name: 'a text of 40,000 characters',
    kind: 'dichiarazione',
    make: () => intoSharedStrings(`<si><t>${'x'.repeat(40_000)}</t></si>`),
    code: 'CellTextTooLong',
    problem: 'Una cella contiene un testo troppo lungo: al massimo 32.767 caratteri.',
  },
  {
    name: '105,000 filled cells in 2,100 rows',
    kind: 'dichiarazione',
    make: async () => editSheets(await declaration(), { [F]: sheetData(numberRows(2100, 50)) }),
    code: 'FileTooManyCells',
    problem: 'Il file contiene troppe celle compilate: al massimo 100.000.',
  },
  {
    name: 'a part declaring 21 MB',
    kind: 'dichiarazione',
    make: async () =>
      patchEntry(
        withParts(await declaration(), { 'xl/media/image1.png': new Uint8Array(1000) }),
        'xl/media/image1.png',
        { size: 21 * 1024 * 1024 },
      ),
    code: 'FilePartTooLarge',
    problem:
      'Una parte interna del file (xl/media/image1.png), una volta decompressa, supera 20 MB: non è un foglio di dati.',
  },
  // Sizes declared honestly, 5 MB of spaces in 5 kB: the ratio, not a size, stops it.
  {
    name: 'zip bomb by ratio (5 MB sheet in a few kB)',
    kind: 'dichiarazione',
    make: async () =>
      editSheets(await declaration(), {
        [F]: (xml) => xml.replace('<sheetData>', `<sheetData>${' '.repeat(5 * 1024 * 1024)}`),
      }),
    code: 'FileCompressionRatio',
    problem:
      'Il file è compresso più di 400 volte (xl/worksheets/sheet3.xml): è un archivio costruito per esplodere una volta aperto, non un foglio di dati.',
  },
  {
    name: 'zip cut before its central directory (every part whole)',
    kind: 'dichiarazione',
    make: async () => cutBeforeCentralDirectory(zipSync(unzipSync(await declaration()))),
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
  },
  {
    name: 'deflate data overwritten inside a sheet',
    kind: 'dichiarazione',
    make: async () => {
      const part = 'xl/worksheets/sheet3.xml';
      const bytes = Uint8Array.from(zipSync(unzipSync(await declaration())));
      // Right after the local header's name: the first deflate block, now of an invalid type.
      const at = Buffer.from(bytes).indexOf(part) + part.length;
      bytes.fill(0xff, at, at + 64);
      return bytes;
    },
    code: 'FileCorrupt',
    problem: 'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
  },
  {
    name: 'zip entry encrypted with AES (method 99)',
    kind: 'dichiarazione',
    make: async () => patchEntry(await declaration(), 'xl/workbook.xml', { method: 99 }),
    code: 'FileEncrypted',
    problem: 'Il file è protetto da password: il portale non può leggerlo.',
  },
  {
    name: 'macros (xl/vbaProject.bin)',
    kind: 'dichiarazione',
    make: async () =>
      withParts(await declaration(), { 'xl/vbaProject.bin': new Uint8Array([0xd0, 0xcf, 0x11]) }),
    code: 'FileHasMacros',
    problem: 'Il file contiene macro (xl/vbaProject.bin).',
  },
  {
    name: 'macro-enabled workbook (.xlsm content type)',
    kind: 'dichiarazione',
    make: () =>
      contentTypes((xml) =>
        xml.replace(
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
          'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
        ),
      ),
    code: 'FileHasMacros',
    problem: 'Il file contiene macro (.xlsm).',
  },
  {
    name: 'external links (xl/externalLinks/)',
    kind: 'dichiarazione',
    make: async () =>
      withParts(await declaration(), {
        'xl/externalLinks/externalLink1.xml': '<externalLink/>',
      }),
    code: 'FileHasExternalLinks',
    problem: 'Il file contiene collegamenti ad altri file (xl/externalLinks/externalLink1.xml).',
  },
  {
    name: 'embedded OLE object (xl/embeddings/)',
    kind: 'dichiarazione',
    make: async () =>
      withParts(await declaration(), { 'xl/embeddings/oleObject1.bin': strToU8('OLE') }),
    code: 'FileHasEmbeddedObjects',
    problem: 'Il file contiene oggetti incorporati, OLE o ActiveX (xl/embeddings/oleObject1.bin).',
  },
  {
    name: 'ActiveX control declared in the content types',
    kind: 'analisi',
    make: async () =>
      rewrite(await filled('analisi', {}), (path, xml) =>
        path === '[Content_Types].xml'
          ? xml.replace(
              '</Types>',
              '<Override PartName="/xl/ctrl/a1.xml" ContentType="application/vnd.ms-office.activeX+xml"/></Types>',
            )
          : xml,
      ),
    code: 'FileHasEmbeddedObjects',
    problem: 'Il file contiene oggetti incorporati, OLE o ActiveX (xl/ctrl/a1.xml).',
  },
];
