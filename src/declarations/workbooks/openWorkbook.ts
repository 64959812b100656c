import { ContentTypesReader, refuseActivePart } from './activeContent.js';
import { endsAsZip, sniff } from './fileSniff.js';
import type { WorkbookLimits } from './limits.js';
import { pacer, type Pace } from './pacer.js';
import { refuse, Refused, type Refusal } from './refusal.js';
import { SharedStringsReader } from './sharedStrings.js';
import { sheetOf, type Sheet } from './sheetCells.js';
import { WorksheetReader, type CellCount } from './worksheetReader.js';
import { RelationshipsReader, StylesReader, WorkbookReader } from './xlsxParts.js';
import { inTurn } from './workbookWork.js';
import { xmlSink, type XmlHandler } from './xmlPart.js';
import { streamZip, type PartSink } from './zipStream.js';

/** A workbook read whole: its sheets (in the workbook's order) with their cells. */
export interface OpenedWorkbook {
  readonly sheets: ReadonlyMap<string, Sheet>;
  readonly date1904: boolean;
}

type Opening =
  | { readonly workbook: OpenedWorkbook; readonly refusal: null }
  | { readonly workbook: null; readonly refusal: Refusal };

const CONTENT_TYPES = '[Content_Types].xml';
const WORKBOOK = 'xl/workbook.xml';
const RELATIONSHIPS = 'xl/_rels/workbook.xml.rels';
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const STYLES = 'xl/styles.xml';

/**
 * Reads an untrusted .xlsx once, in one pass over the zip: every part is parsed as it is
 * inflated, whatever order the zip has it in, and every limit is checked on the way. Never throws
 * on any input: the answer is the workbook, or why it is refused.
 */
export const openWorkbook = inTurn(opened);

async function opened(bytes: Uint8Array, limits: WorkbookLimits): Promise<Opening> {
  const pace = pacer();
  const parts = new WorkbookParts(limits, pace);
  try {
    if (bytes.length === 0) refuse({ kind: 'empty' });
    const type = sniff(bytes);
    if (type !== 'zip') refuse({ kind: 'notZip', type });
    // No central directory at the end: cut short. Told before anything is inflated.
    if (!endsAsZip(bytes)) refuse({ kind: 'zip', problem: 'ZipCorrupt' });
    const names = await streamZip(bytes, limits, (name) => parts.sinkFor(name), pace);
    if (!names.has(CONTENT_TYPES) || !names.has(WORKBOOK))
      refuse({ kind: 'notWorkbook', parts: names });
    return { workbook: await parts.assemble(names), refusal: null };
  } catch (error) {
    if (error instanceof Refused)
      return { workbook: null, refusal: await parts.named(error.refusal, bytes) };
    // Out of memory for a string or an array: the input, not the code, is at fault.
    if (error instanceof RangeError)
      return { workbook: null, refusal: { kind: 'zip', problem: 'ZipCorrupt' } };
    throw error;
  }
}

/** The readers of one workbook's parts, and how their findings become sheets. */
class WorkbookParts {
  private readonly workbook = new WorkbookReader();
  private readonly relationships = new RelationshipsReader();
  private readonly sharedStrings: SharedStringsReader;
  private readonly styles = new StylesReader();
  private readonly worksheets = new Map<string, WorksheetReader>();
  private readonly count: CellCount = { cells: 0 };

  constructor(
    private readonly limits: WorkbookLimits,
    private readonly pace: Pace,
  ) {
    this.sharedStrings = new SharedStringsReader(limits);
  }

  sinkFor(name: string): PartSink | null {
    refuseActivePart(name);
    const sink = (handler: XmlHandler) => xmlSink(name, handler, this.pace, this.limits.maxNesting);
    switch (name) {
      case CONTENT_TYPES:
        return sink(new ContentTypesReader());
      case WORKBOOK:
        return sink(this.workbook);
      case RELATIONSHIPS:
        return sink(this.relationships);
      case SHARED_STRINGS:
        return sink(this.sharedStrings);
      case STYLES:
        return sink(this.styles);
    }
    // Sheets may be anywhere the relationships say, and come before them in the zip: every XML
    // part of xl/ is opened, and read on only when its root is <worksheet>.
    if (!/^xl\/.+\.xml$/i.test(name) || name.includes('/_rels/')) return null;
    const reader = new WorksheetReader(name, this.limits, this.count);
    this.worksheets.set(name, reader);
    return sink(reader);
  }

  /** The sheets the workbook lists, in its order, once every part is in. */
  async assemble(names: ReadonlySet<string>): Promise<OpenedWorkbook> {
    if (!names.has(RELATIONSHIPS)) refuse({ kind: 'zip', problem: 'ZipCorrupt' });
    const styles = {
      strings: this.sharedStrings.strings,
      dateStyles: this.styles.dateStyles(),
    };
    const sheets = new Map<string, Sheet>();
    for (const { name, id } of this.workbook.sheets) {
      const path = this.relationships.targets.get(id);
      if (!path) continue;
      if (!names.has(path)) refuse({ kind: 'zip', problem: 'ZipCorrupt', part: path });
      const reader = this.worksheets.get(path);
      // A chart sheet or dialog sheet: a sheet without cells.
      sheets.set(name, sheetOf(name, reader?.isWorksheet ? reader.cells : [], styles));
      await this.pace();
    }
    return { sheets, date1904: this.workbook.date1904 };
  }

  /** A limit passed in a sheet names the sheet. */
  async named(refusal: Refusal, bytes: Uint8Array): Promise<Refusal> {
    if (refusal.kind !== 'limit' || !refusal.part) return refusal;
    const sheet = this.sheetName(refusal.part) ?? (await this.nameLater(refusal.part, bytes));
    return sheet ? { ...refusal, sheet } : refusal;
  }

  private sheetName(part: string): string | undefined {
    const id = [...this.relationships.targets].find(([, path]) => path === part)?.[0];
    return this.workbook.sheets.find((ref) => ref.id === id)?.name;
  }

  /**
   * When the zip has the workbook part after the sheet (exceljs writes it last), a second pass
   * reads only that part and its relationships: every other part is skipped, not inflated.
   */
  private async nameLater(part: string, bytes: Uint8Array): Promise<string | undefined> {
    const names = new WorkbookParts(this.limits, this.pace);
    const sinkFor = (name: string) =>
      name === WORKBOOK || name === RELATIONSHIPS ? names.sinkFor(name) : null;
    try {
      await streamZip(bytes, this.limits, sinkFor, this.pace);
    } catch {
      return undefined;
    }
    return names.sheetName(part);
  }
}
