import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { notZipIssue, sniff } from './fileSniff.js';
import { fileIssue } from './issues.js';
import { uploadLimits } from './limits.js';
import { checkMetadata, missingMetadata } from './metadataIssues.js';
import { parseSheet, type Sheet, type SheetStyles } from './sheetCells.js';
import { METADATA_SHEET, type ExpectedWorkbook, type WorkbookKind } from './templateContext.js';
import { readMetadata } from './templateMetadata.js';
import { parseDateStyles, parseSharedStrings, parseWorkbook } from './xlsxParts.js';
import { listZip, readZipEntry, type ZipEntry, type ZipProblem } from './zipArchive.js';
import { zipIssue, notWorkbookIssue, sheetTooLargeIssue } from './zipIssues.js';

/** A workbook that passed inspection: its cells, ready to be read field by field. */
export interface InspectedWorkbook {
  readonly sheets: ReadonlyMap<string, Sheet>;
  readonly date1904: boolean;
}

export interface Inspection {
  readonly workbook: InspectedWorkbook | null;
  readonly issues: readonly WorkbookIssue[];
}

class Refused extends Error {
  readonly issues: WorkbookIssue[];
  constructor(...issues: WorkbookIssue[]) {
    super(issues[0]?.code);
    this.issues = issues;
  }
}

const decoder = new TextDecoder('utf-8');

function partReader(b: Uint8Array, entries: ReadonlyMap<string, ZipEntry>, file: WorkbookKind) {
  const broken = (problem: ZipProblem) => new Refused(zipIssue(file, problem));
  return (path: string, optional = false): string => {
    const entry = entries.get(path);
    if (!entry) {
      if (optional) return '';
      throw broken('ZipCorrupt');
    }
    const bytes = readZipEntry(b, entry);
    if (!bytes) throw broken('ZipCorrupt');
    return decoder.decode(bytes);
  };
}

/**
 * Everything that can be said about an upload without trusting it: what kind of file it is, whether
 * the zip is sound and of a sane size, whether it is a workbook, whether it is the expected
 * template (hidden metadata sheet) and whether its sheets are of a readable size. Never throws on
 * any input; never inflates more than the declared, capped sizes.
 */
export function inspectUpload(buffer: Uint8Array, expected: ExpectedWorkbook): Inspection {
  const file = expected.kind;
  try {
    return { workbook: inspectOrRefuse(buffer, expected), issues: [] };
  } catch (error) {
    if (error instanceof Refused) return { workbook: null, issues: error.issues };
    // Out of memory for a string or an array: the input, not the code, is at fault.
    if (error instanceof RangeError)
      return { workbook: null, issues: [zipIssue(file, 'ZipCorrupt')] };
    throw error;
  }
}

/**
 * Whether the bytes are a workbook the portal can open at all, whatever template it is: not empty,
 * a sound zip of a sane size, a workbook, every sheet of a readable size. These issues refuse the
 * file itself (it is not kept); a wrong template or wrong cells are for the validation to name.
 */
export function fileIssues(buffer: Uint8Array, kind: WorkbookKind): readonly WorkbookIssue[] {
  const anyTemplate: ExpectedWorkbook = {
    kind,
    year: 0,
    templateVersion: '',
    contractNumber: '',
    customerCode: '',
  };
  try {
    inspectOrRefuse(buffer, anyTemplate, false);
    return [];
  } catch (error) {
    if (error instanceof Refused) return error.issues;
    if (error instanceof RangeError) return [zipIssue(kind, 'ZipCorrupt')];
    throw error;
  }
}

function inspectOrRefuse(
  b: Uint8Array,
  expected: ExpectedWorkbook,
  checkTemplate = true,
): InspectedWorkbook {
  const file = expected.kind;
  if (b.length === 0) {
    throw new Refused(
      fileIssue(
        file,
        'FileEmpty',
        'Il file è vuoto (0 byte).',
        'Scegli il file compilato e caricalo di nuovo.',
      ),
    );
  }
  const type = sniff(b);
  if (type !== 'zip') throw new Refused(notZipIssue(file, type));
  const listing = listZip(b);
  if (!listing.ok) throw new Refused(zipIssue(file, listing.problem));
  const { entries } = listing;
  if (!entries.has('[Content_Types].xml') || !entries.has('xl/workbook.xml')) {
    throw new Refused(notWorkbookIssue(file, entries));
  }
  const read = partReader(b, entries, file);
  const parts = parseWorkbook(read('xl/workbook.xml'), read('xl/_rels/workbook.xml.rels'));
  const styles: SheetStyles = {
    strings: parseSharedStrings(read('xl/sharedStrings.xml', true)),
    dateStyles: parseDateStyles(read('xl/styles.xml', true)),
  };
  const sheets = new Map<string, Sheet>();
  const parse = (name: string, path: string) => {
    const entry = entries.get(path);
    if (entry && entry.size > uploadLimits.maxSheetXml) {
      throw new Refused(sheetTooLargeIssue(file, name));
    }
    const sheet = parseSheet(name, read(path), styles, uploadLimits.maxRowsPerSheet);
    if (!sheet) throw new Refused(sheetTooLargeIssue(file, name));
    sheets.set(name, sheet);
  };
  const metadataRef = parts.sheets.find((sheet) => sheet.name === METADATA_SHEET);
  if (checkTemplate) {
    if (!metadataRef) throw new Refused(missingMetadata(expected));
    parse(metadataRef.name, metadataRef.path);
    const metadata = readMetadata(sheets.get(METADATA_SHEET) as Sheet);
    if (!metadata) throw new Refused(missingMetadata(expected));
    const metadataIssues = checkMetadata(metadata, expected);
    if (metadataIssues.length > 0) throw new Refused(...metadataIssues);
  }
  for (const ref of parts.sheets) if (!sheets.has(ref.name)) parse(ref.name, ref.path);
  return { sheets, date1904: parts.date1904 };
}
