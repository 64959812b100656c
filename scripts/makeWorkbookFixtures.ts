/**
 * Writes the workbook fixtures of test/fixtures/workbooks (see the README there):
 *
 *   npx tsx scripts/makeWorkbookFixtures.ts
 *
 * The exceljs-made files and their XML rewrites ("as Excel writes them") are made every time. The
 * files made by real programs (LibreOffice re-saves, .xls, .ods) need `soffice` (Debian:
 * libreoffice-calc-nogui); without it they are left as committed. Tests never need it. The
 * password-protected file
 * is built here as Office builds one: an OLE2 compound file with the streams EncryptionInfo and
 * EncryptedPackage (neither LibreOffice's converter nor Debian's msoffcrypto-tool 5.0 encrypts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import {
  filled,
  fixturePath,
  rewrite,
} from '../test/declarations/workbooks/support/workbookFixtures.js';
import {
  editSheets,
  inlineAllStrings,
  inlineText,
  prefixElements,
  replaceCell,
  setRawCells,
  styleOf,
} from '../test/declarations/workbooks/support/xlsxRewrite.js';

const write = (name: string, bytes: Uint8Array) => {
  writeFileSync(fixturePath(name), bytes);
  console.log(`  ${name} (${bytes.length} byte)`);
};

/** As Excel saves it: formulas with cached values, a formula giving text, a shared formula. */
const excelStyleDeclaration = (xlsx: Buffer) =>
  setRawCells(xlsx, {
    Dichiarazione: {
      B10: '<f>B15-B16</f><v>4000</v>',
      B12: 't="str"|<f>"Nessuna variazione"&amp;" del ciclo produttivo."</f><v>Nessuna variazione del ciclo produttivo.</v>',
      B15: "<f>SUM('Fonti di approvvigionamento'!G2:G5000)</f><v>5000</v>",
      B16: '<f>SUM(Detrazioni!B2:B5000)</f><v>1000</v>',
      B17: '<f>B15-B16</f><v>4000</v>',
    },
    'Fonti di approvvigionamento': {
      G2: '<f t="shared" ref="G2:G3" si="0">E2-D2</f><v>3500</v>',
      G3: '<f t="shared" si="0"/><v>1500</v>',
    },
    'Contatori scarico': { E2: '<f>C2-B2</f><v>4000</v>' },
  });

/** Inline strings everywhere, rich text in the company name, x:-prefixed elements in a sheet. */
const inlineStringsDeclaration = (xlsx: Buffer) =>
  editSheets(inlineAllStrings(xlsx), {
    Dichiarazione: (xml) =>
      prefixElements(
        replaceCell(
          xml,
          'B3',
          `<c r="B3" s="${styleOf(xml, 'B3')}" t="inlineStr"><is><r><rPr><b/></rPr><t>Acme </t></r><r><t xml:space="preserve">Ceramiche S.r.l.</t></r><rPh sb="0" eb="1"><t>ア</t></rPh></is></c>`,
        ),
      ),
  });

/** Dates in the 1904 system, as text and as a plain serial number; a value as Italian text. */
const excelStyleAnalyses = (xlsx: Buffer) => {
  const serial1904 = String(45945 - 1462); // 15/10/2025
  const edited = setRawCells(xlsx, {
    Analisi: {
      A2: `<v>${serial1904}</v>`,
      A3: inlineText('15/10/2025'),
      A4: `<v>${serial1904}</v>`,
      A5: inlineText('2025-10-15'),
      F5: inlineText('18,5'),
    },
  });
  return editSheets(edited, {
    Analisi: (xml) => xml.replace(/<c r="A4" s="\d+"/, '<c r="A4" s="0"'),
  });
};

const to1904 = (xlsx: Buffer) =>
  rewrite(xlsx, (path, xml) =>
    path === 'xl/workbook.xml' ? xml.replace(/<workbookPr /, '<workbookPr date1904="1" ') : xml,
  );

function has(command: string): boolean {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Files made by LibreOffice itself, and a password-protected copy. */
function realPrograms(declaration: Buffer, analyses: Buffer, checklist: Buffer) {
  if (!has('soffice')) return console.log('  (no soffice: LibreOffice fixtures left as they are)');
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-'));
  const out = join(dir, 'out');
  mkdirSync(out);
  const convert = (file: string, to: string) =>
    execFileSync('soffice', ['--headless', '--convert-to', to, '--outdir', out, join(dir, file)], {
      stdio: 'ignore',
    });
  const sources = {
    'declaration.xlsx': declaration,
    'analyses.xlsx': analyses,
    'checklist.xlsx': checklist,
  };
  for (const [name, bytes] of Object.entries(sources)) writeFileSync(join(dir, name), bytes);
  for (const name of Object.keys(sources)) convert(name, 'xlsx');
  for (const name of ['declaration', 'analyses', 'checklist']) {
    write(`${name}.libreoffice.xlsx`, readFileSync(join(out, `${name}.xlsx`)));
  }
  convert('declaration.xlsx', 'xls');
  write('bad/legacy-excel-97.xls', readFileSync(join(out, 'declaration.xls')));
  convert('declaration.xlsx', 'ods');
  write('bad/opendocument.ods', readFileSync(join(out, 'declaration.ods')));
}

/** The three parts every .docx has, as Word writes them (minus styles and settings). */
function wordDocument(): Uint8Array {
  const ns = 'http://schemas.openxmlformats.org';
  return zipSync({
    '[Content_Types].xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    ),
    '_rels/.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    ),
    'word/document.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${ns}/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Dichiarazione degli scarichi: vedi allegato.</w:t></w:r></w:p></w:body></w:document>`,
    ),
  });
}

/**
 * An OLE2 compound file (version 3, 512-byte sectors) holding the two streams of an encrypted
 * OOXML package: sector 0 the FAT, sector 1 the directory, then the streams (each ≥ 4096 bytes so
 * that no mini stream is needed). The content is not a real cipher text; the layout is Office's.
 */
function encryptedWorkbook(plain: Uint8Array): Uint8Array {
  const sector = 512;
  const info = new Uint8Array(4096);
  info.set([4, 0, 4, 0, 0x40, 0, 0, 0]); // agile encryption, version 4.4
  info.set(
    strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/></encryption>',
    ),
    8,
  );
  const packageBytes = new Uint8Array(16 * 1024);
  new DataView(packageBytes.buffer).setUint32(0, plain.length, true);
  packageBytes.forEach(
    (_, i) => i >= 8 && (packageBytes[i] = ((plain[i % plain.length] ?? 0) ^ (i * 131)) & 255),
  );
  const infoSectors = info.length / sector;
  const packageSectors = packageBytes.length / sector;
  const total = 2 + infoSectors + packageSectors;
  const out = new Uint8Array(sector * (total + 1));
  const v = new DataView(out.buffer);
  out.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  [
    [24, 0x3e, 2],
    [26, 3, 2],
    [28, 0xfffe, 2],
    [30, 9, 2],
    [32, 6, 2],
    [44, 1, 4],
    [48, 1, 4],
    [56, 4096, 4],
    [60, 0xfffffffe, 4],
    [68, 0xfffffffe, 4],
    [76, 0, 4],
  ].forEach(([at, value, size]) =>
    size === 2 ? v.setUint16(at ?? 0, value ?? 0, true) : v.setUint32(at ?? 0, value ?? 0, true),
  );
  for (let i = 1; i < 109; i++) v.setUint32(76 + i * 4, 0xffffffff, true);
  const fat = (index: number, next: number) => v.setUint32(sector + index * 4, next, true);
  for (let i = 0; i < sector / 4; i++) fat(i, 0xffffffff);
  fat(0, 0xfffffffd);
  fat(1, 0xfffffffe);
  const chain = (first: number, count: number) => {
    for (let i = 0; i < count; i++) fat(first + i, i === count - 1 ? 0xfffffffe : first + i + 1);
  };
  chain(2, infoSectors);
  chain(2 + infoSectors, packageSectors);
  const entry = (
    index: number,
    name: string,
    type: number,
    right: number,
    child: number,
    start: number,
    size: number,
  ) => {
    const at = sector * 2 + index * 128;
    out.set(Buffer.from(name, 'utf16le'), at);
    v.setUint16(at + 64, (name.length + 1) * 2, true);
    out[at + 66] = type;
    out[at + 67] = 1;
    v.setUint32(at + 68, 0xffffffff, true);
    v.setUint32(at + 72, right, true);
    v.setUint32(at + 76, child, true);
    v.setUint32(at + 116, start, true);
    v.setUint32(at + 120, size, true);
  };
  entry(0, 'Root Entry', 5, 0xffffffff, 1, 0xfffffffe, 0);
  entry(1, 'EncryptionInfo', 2, 2, 0xffffffff, 2, info.length);
  entry(2, 'EncryptedPackage', 2, 0xffffffff, 0xffffffff, 2 + infoSectors, packageBytes.length);
  entry(3, '', 0, 0xffffffff, 0xffffffff, 0, 0);
  out.set(info, sector * 3);
  out.set(packageBytes, sector * (3 + infoSectors));
  return out;
}

/** Not workbooks at all, written byte by byte. */
function foreignFiles(declaration: Uint8Array) {
  write('bad/password-protected.xlsx', encryptedWorkbook(declaration));
  const pdf =
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
  write('bad/renamed-pdf.xlsx', strToU8(pdf));
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  write('bad/renamed-png.xlsx', png);
  write(
    'bad/exported.csv.xlsx',
    strToU8(
      'Tipo di fonte;Matricola;Lettura inizio;Lettura fine\nAcquedotto;AQ-1001;12000;15500\n',
    ),
  );
  // 200 MB of spaces in one sheet, deflated to a few hundred kB: refused from the central directory.
  const bomb = zipSync(
    {
      '[Content_Types].xml': strToU8('<Types/>'),
      'xl/workbook.xml': strToU8('<workbook/>'),
      'xl/worksheets/sheet1.xml': new Uint8Array(200 * 1024 * 1024).fill(32),
    },
    { level: 9 },
  );
  write('bad/zip-bomb.xlsx', bomb);
  write('bad/word-document.docx.xlsx', wordDocument());
}

const declaration = await filled('dichiarazione');
const analyses = await filled('analisi');
const checklist = await filled('checklist');
console.log('test/fixtures/workbooks:');
write('declaration.exceljs.xlsx', declaration);
write('declaration.excel-style.xlsx', excelStyleDeclaration(declaration));
write('declaration.inline-strings.xlsx', inlineStringsDeclaration(declaration));
write('analyses.exceljs.xlsx', analyses);
write('analyses.excel-style-1904.xlsx', excelStyleAnalyses(to1904(analyses)));
write('checklist.exceljs.xlsx', checklist);
foreignFiles(declaration);
realPrograms(declaration, analyses, checklist);
